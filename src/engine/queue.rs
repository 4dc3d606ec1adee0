//! The event queue: events ordered by time, then by class (slot starts
//! before anything else at the same instant), then by insertion, so ties are
//! stable and runs are deterministic.

use std::collections::VecDeque;

use crate::base::time::Time;

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

/// An event and its place in the order.
#[derive(Debug)]
struct Entry {
    /// The time in the high 64 bits; below, the class in the top bit (slot
    /// starts 0) and the insertion number: one comparison orders all three.
    key: u128,
    event: Event,
}

/// A priority queue of events, kept sorted, earliest first. A run holds
/// about ten events at a time and most arrive later than all that wait, so
/// a sorted list beats a heap: a new event is appended after one
/// comparison or placed by binary search, and the earliest is taken from
/// the front without sifting.
///
/// The next slot start, which every slot schedules and which nearly always
/// lands before proof jobs already waiting, is held beside the list rather
/// than placed in it: it costs one comparison at each pop instead of a
/// search and a shift at each slot. One slot start at a time is held there
/// (a second goes into the list) and a pop takes whichever key is smaller,
/// so the order is the same as one list's.
#[derive(Debug, Default)]
pub struct EventQueue {
    sorted: VecDeque<Entry>,
    /// A slot start waiting outside the list.
    next_slot: Option<Entry>,
    seq: u64,
    popped: u64,
}

impl EventQueue {
    /// Schedules `event` at `time`.
    pub fn push(&mut self, time: Time, event: Event) {
        let order = (u64::from(event.class()) << 63) | self.seq;
        let key = (u128::from(time) << 64) | u128::from(order);
        self.seq += 1;
        let entry = Entry { key, event };
        if matches!(entry.event, Event::SlotStart(_)) && self.next_slot.is_none() {
            self.next_slot = Some(entry);
        } else if self.sorted.back().is_none_or(|last| last.key < key) {
            self.sorted.push_back(entry);
        } else {
            let at = self.sorted.partition_point(|e| e.key < key);
            self.sorted.insert(at, entry);
        }
    }

    /// The earliest event, if any.
    pub fn pop(&mut self) -> Option<(Time, Event)> {
        let held_first = match (&self.next_slot, self.sorted.front()) {
            (Some(held), Some(front)) => held.key < front.key,
            (held, _) => held.is_some(),
        };
        let entry = if held_first {
            self.next_slot.take()
        } else {
            self.sorted.pop_front()
        }?;
        self.popped += 1;
        Some(((entry.key >> 64) as Time, entry.event))
    }

    /// How many events have been handled.
    pub fn popped(&self) -> u64 {
        self.popped
    }

    /// How many events wait.
    pub fn len(&self) -> usize {
        self.sorted.len() + usize::from(self.next_slot.is_some())
    }

    /// Whether none wait.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty() && self.next_slot.is_none()
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

    /// Pushes and pops interleaved at random times: every pop is the
    /// earliest waiting event by (time, slot starts first, insertion).
    #[test]
    fn interleaved_pushes_and_pops_come_out_in_order() {
        let mut q = EventQueue::default();
        let mut waiting: Vec<(Time, u8, u64, Event)> = Vec::new();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut seq = 0;
        for _ in 0..20_000 {
            if next() % 3 != 0 || waiting.is_empty() {
                let time = next() % 50;
                let event = if next() % 4 == 0 {
                    Event::SlotStart(seq)
                } else {
                    Event::Wake(seq as u32)
                };
                waiting.push((time, event.class(), seq, event.clone()));
                q.push(time, event);
                seq += 1;
            } else {
                waiting.sort_by_key(|w| (w.0, w.1, w.2));
                let (time, _, _, event) = waiting.remove(0);
                assert_eq!(q.pop(), Some((time, event)));
            }
            assert_eq!(q.len(), waiting.len());
        }
    }
}
