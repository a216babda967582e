"""Markers that views carry for the security middleware of higher apps."""


def two_factor_exempt(view):
    """Let an official open this view before passing the second factor (public and sign-in pages)."""
    view.two_factor_exempt = True
    return view
