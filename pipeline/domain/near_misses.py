"""How a typed cost code or type differs from the listed one it most likely meant, in words:
``a leading zero missing``, ``a dash missing``, ``letters O for zeros``. Pure."""

from __future__ import annotations

from collections import Counter

from pipeline.domain.erp_lists import LOOKALIKES, SEPARATORS, fold

_NO_SEPARATORS = str.maketrans(dict.fromkeys(SEPARATORS))
_DIGIT_NAMES = {"0": "zero", "1": "one"}


def differences(typed: str, listed: str) -> list[str]:
    """What sets ``typed`` apart from ``listed``, a near miss of it (same ``skeleton``):
    leading zeros, separators, then look-alike characters. Case is no difference: it is
    matched anyway."""
    words = _leading_zero_words(typed, listed) + _separator_words(typed, listed)
    mixups: Counter[tuple[str, str]] = Counter()
    for a, b in _aligned(typed, listed):
        if fold(a) != fold(b):
            mixups[(a, b)] += 1
    words += [_mixup(a, b, n) for (a, b), n in mixups.items()]
    return words


def in_words(parts: list[str]) -> str:
    """``a, b and c``."""
    return " and ".join(filter(None, [", ".join(parts[:-1]), *parts[-1:]]))


def leading_zeros_missing(typed: str, listed: str) -> int:
    """How many more leading zeros ``listed`` has than ``typed``: what Excel drops."""
    return max(0, _leading_zeros(listed) - _leading_zeros(typed))


def _leading_zeros(text: str) -> int:
    """Leading zeros (a letter O counts), all but one of a code that is only zeros."""
    mapped = fold(text).translate(_NO_SEPARATORS).translate(LOOKALIKES)
    return len(mapped) - len(mapped.lstrip("0") or mapped[:1])


def _aligned(typed: str, listed: str) -> list[tuple[str, str]]:
    """Character pairs once separators and the leading zeros only one side has are gone."""
    t, s = typed.translate(_NO_SEPARATORS), listed.translate(_NO_SEPARATORS)
    tz, sz = _leading_zeros(typed), _leading_zeros(listed)
    shared = min(tz, sz)
    return list(zip(t[tz - shared :], s[sz - shared :], strict=False))


def _leading_zero_words(typed: str, listed: str) -> list[str]:
    have, want = _leading_zeros(typed), _leading_zeros(listed)
    if have < want:
        return [_count(want - have, "a leading zero", "leading zeros") + " missing"]
    if have > want:
        return [_count(have - want, "an extra leading zero", "extra leading zeros")]
    return []


def _separator_words(typed: str, listed: str) -> list[str]:
    """Separators missing, extra, typed for one another (a space for a dash) or moved."""
    missing = {m: listed.count(m) - typed.count(m) for m in SEPARATORS}
    extra = {m: -n for m, n in missing.items() if n < 0}
    words = []
    for lost, n_lost in missing.items():
        for got in [m for m in extra if n_lost > 0 and extra[m] > 0]:
            n = min(n_lost, extra[got])
            words.append(
                _count(
                    n,
                    f"a {SEPARATORS[got]} for a {SEPARATORS[lost]}",
                    f"{_plural(got)} for {_plural(lost)}",
                )
            )
            n_lost, extra[got] = n_lost - n, extra[got] - n
        if n_lost > 0:
            words.append(_count(n_lost, f"a {SEPARATORS[lost]}", _plural(lost)) + " missing")
    words += [
        _count(n, f"an extra {SEPARATORS[m]}", f"extra {_plural(m)}") for m, n in extra.items() if n
    ]
    words += [
        f"a {name} in another place"
        for mark, name in SEPARATORS.items()
        if not missing[mark] and _places(typed, mark) != _places(listed, mark)
    ]
    return words


def _plural(mark: str) -> str:
    name = SEPARATORS[mark]
    return f"{name}es" if name.endswith("sh") else f"{name}s"


def _places(text: str, mark: str) -> list[int]:
    """Where each ``mark`` stands, counted in characters from the end (leading zeros vary)."""
    bare = text.translate(_NO_SEPARATORS)
    places, seen = [], 0
    for ch in text:
        if ch == mark:
            places.append(len(bare) - seen)
        elif ch not in SEPARATORS:
            seen += 1
    return places


def _mixup(typed: str, listed: str, n: int) -> str:
    if listed in _DIGIT_NAMES:
        digit = _DIGIT_NAMES[listed]
        return _count(n, f"a letter {typed} for a {digit}", f"letters {typed} for {digit}s")
    if typed in _DIGIT_NAMES:
        digit = _DIGIT_NAMES[typed]
        return _count(n, f"a {digit} for the letter {listed}", f"{digit}s for the letter {listed}")
    return f"{typed} for {listed}"


def _count(n: int, one: str, many: str) -> str:
    return one if n == 1 else f"{n} {many}"
