"""Amounts in Vietnamese words for receipts: 1.250.000 → "Một triệu hai trăm năm mươi nghìn đồng".

The usual reading rules: "mười" for 10–19, "mươi" for tens above, "lẻ" for a zero ten before a
unit, "mốt" for 1 after a ten above ten, "lăm" for 5 after a ten, "tư" is not used (4 stays
"bốn"), "không trăm" when a group after the first has no hundreds, and groups of three digits named
nghìn, triệu, tỷ (then nghìn tỷ, triệu tỷ).
"""

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three(number: int, *, full: bool) -> list[str]:
    """Words of 0–999; ``full`` reads a leading "không trăm" (a group after a higher one)."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if hundreds or full:
                words.append("lẻ")
            words.append(DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens > 1 else "một")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def amount_in_words(amount: int) -> str:
    """Vietnamese words of a whole number of đồng, capitalised, ending in "đồng"."""
    amount = int(amount)
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _three(group, full=index < len(groups) - 1)
        if GROUPS[index]:
            words.append(GROUPS[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]
