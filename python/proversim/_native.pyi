from typing import Any, Callable, List, Optional, Tuple

_Callback = Optional[Callable[[int, int], None]]
_Side = Tuple[Optional[str], Optional[str]]

def dict_to_toml(json: str) -> str: ...
def run(
    path: Optional[str],
    text: Optional[str],
    dir: str,
    seed: Optional[int],
    set: List[str],
    trace: bool,
    out: str,
    progress: _Callback = None,
) -> Tuple[str, Optional[str]]: ...
def sweep(
    path: Optional[str],
    text: Optional[str],
    dir: str,
    set: List[str],
    threads: int,
    out: str,
    progress: _Callback = None,
) -> Tuple[int, int, int]: ...
def compare(
    a: _Side,
    b: _Side,
    dir: str,
    replicates: int,
    seed: Optional[int],
    set: List[str],
    set_a: List[str],
    set_b: List[str],
    threads: int,
    out: str,
    progress: _Callback = None,
) -> None: ...
def settle(path: Optional[str], text: Optional[str]) -> str: ...
def validate(path: Optional[str], text: Optional[str], dir: str, set: List[str]) -> int: ...
def booster(text: str) -> str: ...
def t_quantile(df: int, p: float = 0.975) -> float: ...
