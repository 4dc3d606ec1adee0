//! The event queue: events ordered by time, then by class (slot starts
//! before anything else at the same instant), then by insertion, so ties are
//! stable and runs are deterministic.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Milliseconds since slot 0 started.
pub type Time = u64;

/// Something that happens at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// An L2 slot begins: prune check, settlements, the proposer builds.
    SlotStart(u64),
    /// A prover's proof job finished.
    JobDone {
        /// The prover.
        prover: u32,
        /// The job's id, unique per run.
        job: u64,
    },
    /// An L1 block is mined with the proof submissions it includes.
    L1Block(u64),
    /// A governance payload that passed executes.
    Execute(usize),
    /// A prover asked to be woken.
    Wake(u32),
}

impl Event {
    fn class(&self) -> u8 {
        match self {
            Event::SlotStart(_) => 0,
            _ => 1,
        }
    }
}

#[derive(Debug)]
struct Entry {
    time: Time,
    /// The class in the top bit (slot starts 0), the insertion number
    /// below: one comparison orders both.
    order: u64,
    event: Event,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    /// Reversed, so the max-heap pops the earliest entry.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.order).cmp(&(self.time, self.order))
    }
}

/// A priority queue of events.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Entry>,
    seq: u64,
    popped: u64,
}

impl EventQueue {
    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: Time, event: Event) {
        let order = (u64::from(event.class()) << 63) | self.seq;
        self.heap.push(Entry { time, order, event });
        self.seq += 1;
    }

    /// The earliest event, if any.
    pub fn pop(&mut self) -> Option<(Time, Event)> {
        self.heap.pop().map(|e| {
            self.popped += 1;
            (e.time, e.event)
        })
    }

    /// How many events have been handled.
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether none wait.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_keep_insertion_order_and_slot_starts_go_first() {
        let mut q = EventQueue::default();
        q.push(10, Event::Wake(1));
        q.push(5, Event::Wake(2));
        q.push(10, Event::Wake(3));
        q.push(10, Event::SlotStart(7));
        q.push(20, Event::SlotStart(8));
        q.push(15, Event::Wake(4));
        q.push(20, Event::Wake(5));
        q.push(3, Event::SlotStart(6));
        assert_eq!(q.len(), 8);
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![
                (3, Event::SlotStart(6)),
                (5, Event::Wake(2)),
                (10, Event::SlotStart(7)),
                (10, Event::Wake(1)),
                (10, Event::Wake(3)),
                (15, Event::Wake(4)),
                (20, Event::SlotStart(8)),
                (20, Event::Wake(5)),
            ]
        );
        assert_eq!(q.popped(), 8);
        assert!(q.is_empty());
    }
}
