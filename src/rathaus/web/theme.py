"""Per-municipality theme: the accent colour, checked for contrast (WCAG 2.1, 1.4.3 and 1.4.11)."""

# Used for text and buttons when a town's accent colour is too light for text on white.
SAFE_TEXT_COLOUR = "#1b1b1b"
MIN_TEXT_CONTRAST = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """Relative luminance of a #RRGGBB colour as defined by WCAG 2.1."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def theme_css_text(accent_colour: str) -> str:
    """CSS custom properties for a town: the accent for decoration, a text-safe variant for text."""
    text_colour = (
        accent_colour
        if contrast_ratio(accent_colour, "#ffffff") >= MIN_TEXT_CONTRAST
        else SAFE_TEXT_COLOUR
    )
    return f":root {{ --rh-accent: {accent_colour}; --rh-accent-text: {text_colour}; }}\n"
