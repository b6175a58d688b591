"""Pictures for the demo coverage, drawn here with Pillow so that no photo is borrowed."""

import io
import random

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 2400, 1350


def draw_federal_building() -> ContentFile:
    """A columned federal building at dusk, with a flag and street lamps."""
    picture = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(picture)
    top, bottom = (24, 38, 84), (238, 150, 92)
    for y in range(HEIGHT):
        t = min(y / (HEIGHT * 0.75), 1)
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    stars = random.Random(1)
    for _ in range(90):
        x, y = stars.randrange(WIDTH), stars.randrange(int(HEIGHT * 0.3))
        draw.ellipse([x, y, x + 3, y + 3], fill=(235, 235, 210))

    stone, shade, dark = (226, 217, 196), (178, 166, 146), (60, 56, 62)
    left, right, base = 520, 1880, 1120
    draw.polygon(
        [(left - 40, 470), (WIDTH // 2, 300), (right + 40, 470)], fill=stone, outline=shade
    )
    draw.polygon([(left + 60, 455), (WIDTH // 2, 345), (right - 60, 455)], fill=shade)
    draw.rectangle([left - 40, 470, right + 40, 530], fill=stone, outline=shade)
    draw.rectangle([left, 530, right, base], fill=dark)
    columns = 10
    step = (right - left) / (columns - 1)
    for i in range(columns):
        x = round(left + i * step)
        draw.rectangle([x - 34, 550, x + 34, base - 20], fill=stone)
        for groove in (-18, 0, 18):
            draw.line([(x + groove, 560), (x + groove, base - 30)], fill=shade, width=4)
        draw.rectangle([x - 46, 530, x + 46, 552], fill=stone, outline=shade)
        draw.rectangle([x - 46, base - 24, x + 46, base], fill=stone, outline=shade)
    for i, inset in enumerate(range(0, 150, 30)):
        y = base + i * 22
        draw.rectangle(
            [left - 120 - inset, y, right + 120 + inset, y + 22], fill=stone, outline=shade
        )

    draw.line([(WIDTH // 2, 300), (WIDTH // 2, 130)], fill=(90, 90, 90), width=8)
    for stripe in range(7):
        colour = (178, 34, 52) if stripe % 2 == 0 else (245, 245, 245)
        draw.rectangle(
            [WIDTH // 2 + 4, 135 + stripe * 12, WIDTH // 2 + 150, 147 + stripe * 12], fill=colour
        )
    draw.rectangle([WIDTH // 2 + 4, 135, WIDTH // 2 + 64, 183], fill=(60, 59, 110))

    ground = base + 110
    draw.rectangle([0, ground, WIDTH, HEIGHT], fill=(70, 72, 66))
    for x in (180, 2220):
        draw.ellipse([x - 170, 760, x + 170, ground + 20], fill=(34, 58, 44))
    for x in (380, 2020):
        draw.line([(x, ground), (x, 880)], fill=(30, 30, 30), width=10)
        draw.ellipse([x - 28, 846, x + 28, 902], fill=(255, 214, 130))

    # Stored large enough for a 1200-pixel rendition in every shape, the square one included.
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="federal-building.png")


def draw_data_flow() -> ContentFile:
    """A diagram: limited IRS records flow to DHS; full tax returns stay behind."""
    width, height = 2000, 1500
    picture = Image.new("RGB", (width, height), (247, 245, 240))
    draw = ImageDraw.Draw(picture)
    heading, label = ImageFont.load_default(size=84), ImageFont.load_default(size=60)
    ink, irs, dhs, muted = (26, 26, 26), (11, 79, 138), (122, 16, 16), (90, 90, 90)

    def box(x, y, colour, title, note):
        draw.rounded_rectangle([x, y, x + 620, y + 420], 36, fill=colour)
        draw.text((x + 310, y + 160), title, font=heading, fill="white", anchor="mm")
        draw.text((x + 310, y + 290), note, font=label, fill="white", anchor="mm")

    box(160, 420, irs, "IRS", "taxpayer records")
    box(1220, 420, dhs, "DHS", "removal orders")
    draw.line([(800, 630), (1180, 630)], fill=ink, width=18)
    draw.polygon([(1220, 630), (1160, 590), (1160, 670)], fill=ink)
    draw.text((1000, 560), "limited data", font=label, fill=ink, anchor="mm")
    draw.text((1000, 1060), "Full tax returns are not shared", font=label, fill=muted, anchor="mm")
    draw.line([(300, 1160), (1700, 1160)], fill=muted, width=6)
    draw.text((1000, 240), "What the agreement allows", font=heading, fill=ink, anchor="mm")
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="data-flow.png")


# Pictures placed in a story's body, where the body says <!-- figure: key -->.
INLINE_PICTURES = {
    "data-flow": {
        "draw": draw_data_flow,
        "alt_text": "Diagram: an arrow labelled limited data runs from a box for the IRS, holding "
        "taxpayer records, to a box for DHS, holding removal orders. Below: full tax returns "
        "are not shared.",
        "caption": "What the agreement allows, as officials describe it.",
        "credit": f"Graphic: {settings.NEWSROOM_NAME}",
        "focal_x": 0.5,
        "focal_y": 0.5,
    },
}

PICTURES = [
    {
        "story": "irs-commissioner-melanie-krause-resigns",
        "draw": draw_federal_building,
        "alt_text": "Illustration of a columned federal building at dusk, "
        "an American flag above its pediment and street lamps lit in front.",
        "caption": "The agency's headquarters in Washington, where the commissioner's "
        "resignation was announced.",
        "credit": f"Illustration: {settings.NEWSROOM_NAME}",
        "focal_x": 0.5,
        "focal_y": 0.45,
    },
]
