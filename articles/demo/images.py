"""Stand-in photos for the demo site, drawn with Pillow alone.

Each picture is a landscape (sky, clouds, sea or terrain) with a simple
silhouette of its subject, finished with grain and a vignette so that it
reads as a photograph in a story card rather than as a flat placeholder.
The same kind and seed always give the same bytes, so re-running
``seed_demo`` draws identical pictures.
"""

import io
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

Colour = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class Light:
    name: str
    zenith: Colour
    horizon: Colour
    sun: Colour
    level: float  # how brightly the ground and subjects are lit, 0..1
    backlit: bool  # subjects read as dark silhouettes against the sky
    sun_visible: bool


LIGHTS = (
    Light("dawn", (52, 70, 122), (238, 172, 122), (255, 214, 160), 0.55, True, True),
    Light("dusk", (36, 36, 84), (226, 118, 80), (255, 182, 122), 0.45, True, True),
    Light(
        "overcast",
        (128, 134, 144),
        (196, 199, 202),
        (236, 236, 236),
        0.72,
        False,
        False,
    ),
    Light("clear", (58, 108, 176), (178, 204, 226), (255, 250, 236), 1.0, False, True),
    Light("haze", (110, 138, 168), (214, 211, 198), (255, 244, 220), 0.9, False, True),
    Light(
        "winter", (148, 166, 190), (222, 226, 232), (255, 255, 250), 0.85, False, False
    ),
)

# (near, far) ground colours in full daylight.
TERRAINS = {
    "grass": ((74, 92, 54), (104, 118, 74)),
    "steppe": ((126, 112, 78), (158, 146, 108)),
    "snow": ((212, 218, 226), (186, 196, 210)),
    "desert": ((172, 142, 100), (196, 170, 128)),
    "forest": ((42, 58, 40), (70, 86, 64)),
}
OLIVE: Colour = (84, 90, 64)
NAVY_GREY: Colour = (112, 120, 128)
AIRFRAME_GREY: Colour = (96, 102, 110)
NIGHT_INK: Colour = (22, 24, 30)


# --- Colour and geometry helpers ----------------------------------------------


def mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, round(c * factor))) for c in colour)


def vertical_gradient(size: tuple[int, int], stops: Sequence[tuple[float, Colour]]):
    """An RGB image whose rows run through ``stops`` (position 0..1, colour)."""
    width, height = size
    column = Image.new("RGB", (1, height))
    rows = []
    for y in range(height):
        t = y / max(height - 1, 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
            if t <= t1 or (t1, c1) == stops[-1]:
                span = max(t1 - t0, 1e-6)
                rows.append(mix(c0, c1, min(max((t - t0) / span, 0), 1)))
                break
    column.putdata(rows)
    return column.resize((width, height), Image.Resampling.NEAREST)


def noise(rng: random.Random, size: tuple[int, int], cells: tuple[int, int]):
    """Smooth value noise: random cells scaled up to ``size``."""
    cells = (max(cells[0], 2), max(cells[1], 2))
    small = Image.frombytes("L", cells, rng.randbytes(cells[0] * cells[1]))
    return small.resize(size, Image.Resampling.BICUBIC)


def fractal(rng: random.Random, size: tuple[int, int], base: tuple[int, int]):
    """Three octaves of value noise, coarse to fine, mixed at a quarter size."""
    small = (max(size[0] // 4, 8), max(size[1] // 4, 8))
    field = noise(rng, small, base)
    for octave, weight in ((2, 0.35), (4, 0.2)):
        finer = noise(rng, small, (base[0] * octave, base[1] * octave))
        field = Image.blend(field, finer, weight)
    return field.resize(size, Image.Resampling.BICUBIC)


def contrast(image: Image.Image, amount: float) -> Image.Image:
    """Pull an L image towards mid-grey (amount < 1) around 128."""
    return image.point(lambda v: round(128 + (v - 128) * amount))


def place(
    points: Sequence[Point], x: float, y: float, scale: float, mirror: bool = False
) -> list[Point]:
    """Unit-space points (y up from a base line) to pixels, optionally mirrored."""
    direction = -1 if mirror else 1
    return [(x + px * scale * direction, y - py * scale) for px, py in points]


def rotate(points: Sequence[Point], angle: float, origin: Point) -> list[Point]:
    cos, sin = math.cos(angle), math.sin(angle)
    ox, oy = origin
    return [
        (ox + (px - ox) * cos - (py - oy) * sin, oy + (px - ox) * sin + (py - oy) * cos)
        for px, py in points
    ]


def rect(x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def symmetric(half: Sequence[Point]) -> list[Point]:
    """A planform from its upper half outline, nose first."""
    return list(half) + [(x, -y) for x, y in reversed(half)]


# --- Scene ----------------------------------------------------------------------


@dataclass
class Scene:
    rng: random.Random
    width: int
    height: int
    horizon: int
    light: Light
    ground: list[Point]  # foreground profile, left to right
    sun: Point | None = None

    def ground_at(self, x: float) -> float:
        points = self.ground
        for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / max(x1 - x0, 1)
        return points[-1][1] if x > points[-1][0] else points[0][1]

    def subject_colour(self, colour: Colour) -> Colour:
        if self.light.backlit:
            return mix(colour, NIGHT_INK, 0.78)
        return shade(colour, 0.55 + 0.45 * self.light.level)

    def canvas_mask(self):
        return Image.new("L", (self.width, self.height), 0)


def blurred_region(mask: Image.Image, radius: float):
    """The blurred bounding region of ``mask`` and its corner, or None if empty.

    Blurring only the region that has shapes keeps each picture fast.
    """
    box = mask.getbbox()
    if not box:
        return None
    pad = int(radius * 3) + 2
    box = (
        max(box[0] - pad, 0),
        max(box[1] - pad, 0),
        min(box[2] + pad, mask.width),
        min(box[3] + pad, mask.height),
    )
    region = mask.crop(box)
    if radius:
        region = region.filter(ImageFilter.GaussianBlur(radius))
    return region, box[:2]


def soft_mask(
    size: tuple[int, int], shape: str, box: Sequence[float], radius: float
) -> Image.Image:
    """A full-size mask of a blurred ellipse or rectangle, drawn at 1/8 scale."""
    small = Image.new("L", (max(size[0] // 8, 1), max(size[1] // 8, 1)), 0)
    draw = ImageDraw.Draw(small)
    getattr(draw, shape)([value / 8 for value in box], fill=255)
    small = small.filter(ImageFilter.GaussianBlur(radius / 8))
    return small.resize(size, Image.Resampling.BILINEAR)


def soft_paste(
    canvas: Image.Image, colour: Colour, mask: Image.Image, radius: float
) -> None:
    blurred = blurred_region(mask, radius)
    if blurred:
        region, corner = blurred
        canvas.paste(colour, corner, region)


def paint(
    canvas: Image.Image, mask: Image.Image, colour: Colour, soften: float = 0.7
) -> None:
    """Fill ``mask`` on ``canvas`` with ``colour``, lit from above."""
    blurred = blurred_region(mask, soften)
    if not blurred:
        return
    region, corner = blurred
    fill = vertical_gradient(
        region.size, [(0, shade(colour, 1.15)), (1, shade(colour, 0.72))]
    )
    canvas.paste(fill, corner, region)


def draw_sky(scene: Scene) -> Image.Image:
    light, rng = scene.light, scene.rng
    size = (scene.width, scene.height)
    horizon_t = scene.horizon / scene.height
    canvas = vertical_gradient(
        size,
        [
            (0, light.zenith),
            (horizon_t * 0.6, mix(light.zenith, light.horizon, 0.45)),
            (max(horizon_t, 0.01), light.horizon),
            (1, light.horizon),
        ],
    )
    if light.sun_visible:
        near_horizon = light.backlit
        sun_x = scene.width * rng.uniform(0.15, 0.85)
        sun_y = scene.horizon - scene.height * (
            rng.uniform(0.03, 0.12) if near_horizon else rng.uniform(0.25, 0.6)
        )
        scene.sun = (sun_x, sun_y)
        glow_size = int(scene.width * rng.uniform(0.7, 1.1))
        strength = 0.85 if near_horizon else 0.45
        glow = ImageChops.invert(Image.radial_gradient("L")).resize(
            (glow_size, glow_size)
        )
        glow = glow.point(lambda v: round(255 * strength * (v / 255) ** 3.2))
        canvas.paste(
            light.sun, (int(sun_x - glow_size / 2), int(sun_y - glow_size / 2)), glow
        )
        radius = scene.width * 0.018
        disc = scene.canvas_mask()
        ImageDraw.Draw(disc).ellipse(
            (sun_x - radius, sun_y - radius, sun_x + radius, sun_y + radius), fill=255
        )
        soft_paste(canvas, mix(light.sun, (255, 255, 255), 0.6), disc, radius * 0.25)
    coverage = {"overcast": 0.15, "winter": 0.3}.get(light.name, rng.uniform(0.45, 0.7))
    clouds = fractal(rng, size, (rng.randint(4, 7), rng.randint(5, 9)))
    threshold, gain = 255 * coverage, rng.uniform(2.0, 3.4)
    clouds = clouds.point(lambda v: max(0, min(255, round((v - threshold) * gain))))
    fade = vertical_gradient(
        size, [(0, (255,) * 3), (horizon_t, (90,) * 3), (1, (0,) * 3)]
    ).convert("L")
    clouds = ImageChops.multiply(clouds, fade)
    if light.backlit:
        cloud_colour = mix(light.zenith, light.sun, 0.45)
    else:
        cloud_colour = mix(
            light.horizon, (250, 250, 250), 0.55 if light.level > 0.8 else 0.2
        )
    canvas.paste(cloud_colour, (0, 0), clouds.point(lambda v: round(v * 0.85)))
    shadow = ImageChops.offset(clouds, 0, -int(scene.height * 0.02))
    underside = ImageChops.subtract(clouds, shadow).point(lambda v: round(v * 0.35))
    canvas.paste(shade(cloud_colour, 0.7), (0, 0), underside)
    return canvas


def ridge(
    rng: random.Random, width: int, base: float, amplitude: float, step: int = 16
) -> list[Point]:
    waves = [
        (rng.uniform(0.5, 1.6), rng.uniform(0, math.tau), 1.0),
        (rng.uniform(2, 5), rng.uniform(0, math.tau), 0.4),
        (rng.uniform(8, 16), rng.uniform(0, math.tau), 0.12),
    ]
    points = []
    for x in range(0, width + step, step):
        t = x / width
        lift = sum(w * math.sin(f * math.tau * t + p) for f, p, w in waves) / 1.52
        points.append((x, base - amplitude * (lift + rng.uniform(-0.05, 0.05))))
    return points


def draw_land(canvas: Image.Image, scene: Scene, terrain: str) -> None:
    rng, light = scene.rng, scene.light
    near, far = TERRAINS[terrain]
    lit = 0.45 + 0.55 * light.level
    if light.backlit:
        # Against a low sun the land takes the sky's colour and falls into shade.
        near, far = mix(near, light.horizon, 0.2), mix(far, light.horizon, 0.25)
        lit *= 0.75
    width, height = scene.width, scene.height
    draw = ImageDraw.Draw(canvas)
    for index, haze in enumerate((0.7, 0.5)):
        base = scene.horizon + index * height * 0.015
        line = ridge(rng, width, base, height * rng.uniform(0.015, 0.05))
        colour = mix(shade(far, lit), light.horizon, haze)
        draw.polygon([*line, (width, height), (0, height)], fill=colour)
    ground_base = scene.horizon + (height - scene.horizon) * rng.uniform(0.25, 0.45)
    scene.ground = ridge(rng, width, ground_base, height * rng.uniform(0.01, 0.04), 32)
    mask = scene.canvas_mask()
    ImageDraw.Draw(mask).polygon(
        [*scene.ground, (width, height), (0, height)], fill=255
    )
    top = int(min(y for _, y in scene.ground))
    field = vertical_gradient(
        (width, height - top), [(0, shade(far, lit)), (1, shade(near, lit * 0.85))]
    )
    fine = noise(rng, field.size, (width // 4, max((height - top) // 3, 2)))
    patches = fractal(rng, field.size, (12, 3))
    roughness = 0.35 if terrain == "snow" else 0.55
    texture = contrast(Image.blend(fine, patches, 0.55), roughness)
    field = ImageChops.soft_light(field, texture.convert("RGB"))
    canvas.paste(field, (0, top), mask.crop((0, top, width, height)))


def draw_sea(canvas: Image.Image, scene: Scene) -> None:
    rng, light = scene.rng, scene.light
    width, height, horizon = scene.width, scene.height, scene.horizon
    deep = shade(mix((38, 62, 84), light.zenith, 0.25), 0.5 + 0.5 * light.level)
    sea = vertical_gradient(
        (width, height - horizon),
        [
            (0, mix(light.horizon, deep, 0.45)),
            (0.3, mix(light.horizon, deep, 0.75)),
            (1, shade(deep, 0.8)),
        ],
    )
    waves = noise(rng, sea.size, (width // 24, max((height - horizon) // 4, 2)))
    sea = ImageChops.soft_light(sea, contrast(waves, 0.6).convert("RGB"))
    canvas.paste(sea, (0, horizon))
    if scene.sun:
        glitter = waves.point(lambda v: 200 if v > 212 else 0)
        column = Image.radial_gradient("L").resize((int(width * 0.22), sea.height * 2))
        column = ImageChops.invert(column).point(lambda v: min(255, v * 3 // 2))
        band = Image.new("L", sea.size, 0)
        band.paste(column, (int(scene.sun[0] - column.width / 2), -sea.height))
        glitter = ImageChops.multiply(glitter, band).filter(ImageFilter.BoxBlur(1))
        canvas.paste(light.sun, (0, horizon), glitter)
    scene.ground = [(0, horizon), (width, horizon)]


# --- Subjects ------------------------------------------------------------------


def draw_ship(canvas: Image.Image, scene: Scene) -> None:
    rng, width = scene.rng, scene.width
    length = width * rng.uniform(0.5, 0.72)
    x = (width - length) * rng.uniform(0.15, 0.85)
    waterline = scene.horizon + (scene.height - scene.horizon) * rng.uniform(0.22, 0.42)
    mirror = rng.random() < 0.5
    if mirror:
        x += length
    j = rng.uniform
    mast = j(0.2, 0.28)
    shapes = [
        [(0.012, 0), (0, 0.058), (0.6, 0.064), (1.0, 0.09), (0.93, 0.004), (0.9, 0)],
        rect(0.1, 0.06, j(0.3, 0.36), j(0.105, 0.12)),
        rect(0.3, 0.06, j(0.58, 0.64), j(0.125, 0.14)),
        [(0.54, 0.1), (0.68, 0.1), (0.64, 0.155), (0.55, 0.155)],
        [(0.5, 0.14), (0.57, 0.14), (0.545, mast), (0.52, mast)],
        rect(0.528, mast, 0.536, mast + 0.06),
        rect(0.5, mast - 0.02, 0.565, mast - 0.014),
    ]
    if rng.random() < 0.7:
        shapes.append([(0.4, 0.12), (0.46, 0.12), (0.445, 0.17), (0.39, 0.17)])
    shapes += [
        [(0.74, 0.07), (0.8, 0.07), (0.79, 0.088), (0.75, 0.09)],
        rect(0.79, 0.079, 0.87, 0.084),
    ]
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    for shape in shapes:
        draw.polygon(place(shape, x, waterline, length, mirror), fill=255)
    colour = scene.subject_colour(NAVY_GREY)
    box = mask.getbbox()
    if box:
        reflection = mask.crop(box).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        reflection = reflection.resize((reflection.width, reflection.height // 2))
        reflection = reflection.filter(ImageFilter.GaussianBlur(4)).point(
            lambda v: v // 3
        )
        canvas.paste(shade(colour, 0.8), (box[0], int(waterline)), reflection)
    paint(canvas, mask, colour)
    wake = scene.canvas_mask()
    bow = place([(0.93, 0.0)], x, waterline, length, mirror)[0]
    ImageDraw.Draw(wake).ellipse(
        (bow[0] - length * 0.05, waterline - 3, bow[0] + length * 0.05, waterline + 6),
        fill=170,
    )
    soft_paste(canvas, (228, 232, 234), wake, 3)
    if not scene.light.backlit:
        pennant = f"{rng.choice('FDLP')}{rng.randint(101, 489)}"
        font = ImageFont.load_default(size=max(int(length * 0.028), 10))
        tx, ty = place([(0.84, 0.05)], x, waterline, length, mirror)[0]
        ImageDraw.Draw(canvas).text(
            (tx, ty), pennant, fill=(226, 228, 230), font=font, anchor="mm"
        )


def draw_submarine(canvas: Image.Image, scene: Scene) -> None:
    rng, width = scene.rng, scene.width
    length = width * rng.uniform(0.55, 0.75)
    x = (width - length) * rng.uniform(0.2, 0.8)
    waterline = scene.horizon + (scene.height - scene.horizon) * rng.uniform(0.3, 0.45)
    mirror = rng.random() < 0.5
    if mirror:
        x += length
    shapes = [
        [(0, 0), (0.03, 0.022), (0.12, 0.034), (0.84, 0.034), (0.96, 0.022), (1, 0)],
        [(0.28, 0.03), (0.37, 0.03), (0.355, 0.12), (0.3, 0.12)],
        rect(0.27, 0.085, 0.39, 0.092),
        rect(0.315, 0.12, 0.319, 0.16),
        rect(0.33, 0.12, 0.334, 0.145),
    ]
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    for shape in shapes:
        draw.polygon(place(shape, x, waterline, length, mirror), fill=255)
    paint(canvas, mask, scene.subject_colour((46, 50, 54)))
    foam = scene.canvas_mask()
    fdraw = ImageDraw.Draw(foam)
    for px in (0.02, 0.97):
        fx = place([(px, 0)], x, waterline, length, mirror)[0][0]
        fdraw.ellipse(
            (fx - length * 0.06, waterline - 4, fx + length * 0.06, waterline + 5),
            fill=200,
        )
    soft_paste(canvas, (232, 236, 238), foam, 3)


FIGHTER = symmetric(
    [
        (1.0, 0),
        (0.86, 0.032),
        (0.66, 0.05),
        (0.6, 0.1),
        (0.56, 0.05),
        (0.5, 0.06),
        (0.2, 0.36),
        (0.12, 0.36),
        (0.12, 0.07),
        (0.06, 0.08),
        (0.0, 0.2),
        (-0.05, 0.2),
        (-0.02, 0.05),
        (-0.05, 0.03),
        (-0.05, 0),
    ]
)
TRANSPORT = symmetric(
    [
        (1.0, 0),
        (0.96, 0.04),
        (0.9, 0.055),
        (0.6, 0.055),
        (0.57, 0.52),
        (0.49, 0.52),
        (0.47, 0.055),
        (0.12, 0.045),
        (0.08, 0.21),
        (0.0, 0.21),
        (0.03, 0.03),
        (-0.02, 0),
    ]
)
DRONE = symmetric(
    [
        (1.0, 0),
        (0.94, 0.035),
        (0.62, 0.035),
        (0.6, 0.62),
        (0.53, 0.62),
        (0.51, 0.035),
        (0.1, 0.03),
        (0.02, 0.14),
        (-0.02, 0.14),
        (0.0, 0.02),
        (-0.04, 0),
    ]
)


def draw_planform(
    canvas: Image.Image, scene: Scene, outline: Sequence[Point], count: int, size: float
) -> None:
    rng = scene.rng
    heading = rng.uniform(-0.5, 0.5) + (math.pi if rng.random() < 0.5 else 0)
    bank = rng.uniform(0.4, 0.95)
    lead_x = scene.width * rng.uniform(0.35, 0.65)
    lead_y = scene.horizon * rng.uniform(0.3, 0.55)
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    spacing = size * rng.uniform(0.9, 1.3)
    side = rng.choice((-1, 1))
    for index in range(count):
        scale = size * (1 - 0.08 * index)
        cx = lead_x - math.cos(heading) * spacing * index + side * spacing * 0.5 * index
        cy = lead_y - math.sin(heading) * spacing * index * 0.4 + spacing * 0.35 * index
        points = [(cx + px * scale, cy + py * scale * bank) for px, py in outline]
        draw.polygon(rotate(points, heading, (cx, cy)), fill=255)
    paint(canvas, mask, scene.subject_colour(AIRFRAME_GREY), soften=0.8)


def draw_aircraft(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    if rng.random() < 0.7:
        draw_planform(
            canvas,
            scene,
            FIGHTER,
            rng.randint(1, 4),
            scene.width * rng.uniform(0.1, 0.18),
        )
    else:
        draw_planform(
            canvas, scene, TRANSPORT, 1, scene.width * rng.uniform(0.25, 0.35)
        )


def draw_drone(canvas: Image.Image, scene: Scene) -> None:
    draw_planform(canvas, scene, DRONE, 1, scene.width * scene.rng.uniform(0.2, 0.3))


def draw_helicopter(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    length = scene.width * rng.uniform(0.3, 0.42)
    x = (scene.width - length) * rng.uniform(0.2, 0.8)
    y = scene.horizon * rng.uniform(0.55, 0.8)
    mirror = rng.random() < 0.5
    if mirror:
        x += length
    solid = [
        [
            (0.55, 0.05),
            (0.85, 0.06),
            (0.95, 0.12),
            (0.93, 0.2),
            (0.8, 0.26),
            (0.55, 0.27),
            (0.45, 0.22),
            (0.45, 0.1),
        ],
        [(0.46, 0.19), (0.05, 0.195), (0.05, 0.22), (0.46, 0.25)],
        [(0.02, 0.17), (0.08, 0.19), (0.06, 0.33), (0.0, 0.31)],
        rect(0.64, 0.27, 0.68, 0.31),
        rect(0.5, -0.01, 0.9, 0.005),
        rect(0.56, 0.0, 0.575, 0.06),
        rect(0.8, 0.0, 0.815, 0.06),
    ]
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    for shape in solid:
        draw.polygon(place(shape, x, y, length, mirror), fill=255)
    hub = place([(0.66, 0.31)], x, y, length, mirror)[0]
    draw.ellipse(
        (
            hub[0] - length * 0.58,
            hub[1] - length * 0.012,
            hub[0] + length * 0.58,
            hub[1] + length * 0.012,
        ),
        fill=120,
    )
    tail = place([(0.04, 0.25)], x, y, length, mirror)[0]
    draw.ellipse(
        (
            tail[0] - length * 0.06,
            tail[1] - length * 0.06,
            tail[0] + length * 0.06,
            tail[1] + length * 0.06,
        ),
        fill=70,
    )
    paint(canvas, mask, scene.subject_colour(OLIVE))


def wheels(centres: Sequence[float], radius: float) -> list[list[Point]]:
    """Wheels as 12-sided polygons so they scale and mirror like other shapes."""
    return [
        [
            (cx + radius * math.cos(a), radius + radius * math.sin(a))
            for a in (i * math.tau / 12 for i in range(12))
        ]
        for cx in centres
    ]


def truck_shapes(rng: random.Random) -> list[list[Point]]:
    roof = rng.uniform(0.4, 0.47)
    return [
        [(0.78, 0.08), (0.78, 0.4), (0.9, 0.42), (0.98, 0.3), (1.0, 0.1), (0.98, 0.08)],
        [
            (0.0, 0.1),
            (0.0, roof - 0.04),
            (0.03, roof),
            (0.73, roof),
            (0.76, roof - 0.04),
            (0.76, 0.1),
        ],
        rect(0.0, 0.08, 1.0, 0.13),
        *wheels((0.12, 0.28, 0.86), 0.075),
    ]


def launcher_shapes(rng: random.Random) -> list[list[Point]]:
    elevation = math.radians(rng.uniform(0, 55))
    return [
        [(0.8, 0.08), (0.8, 0.36), (0.9, 0.38), (0.99, 0.28), (1.0, 0.1)],
        rect(0.0, 0.08, 1.0, 0.2),
        rotate(rect(0.04, 0.2, 0.74, 0.38), elevation, (0.08, 0.2)),
        rect(0.06, 0.2, 0.12, 0.24),
        *wheels((0.1, 0.24, 0.55, 0.7, 0.88), 0.07),
    ]


def radar_shapes(rng: random.Random) -> list[list[Point]]:
    tilt = math.radians(rng.uniform(10, 25))
    return [
        [(0.8, 0.08), (0.8, 0.36), (0.9, 0.38), (0.99, 0.28), (1.0, 0.1)],
        rect(0.0, 0.08, 1.0, 0.2),
        rect(0.3, 0.2, 0.72, 0.42),
        rotate(rect(0.05, 0.24, 0.12, 0.84), tilt, (0.1, 0.24)),
        rect(0.1, 0.2, 0.18, 0.3),
        *wheels((0.1, 0.24, 0.55, 0.7, 0.88), 0.07),
    ]


def tank_shapes(rng: random.Random) -> list[list[Point]]:
    reach = rng.uniform(1.25, 1.4)
    return [
        [(0.05, 0), (0.92, 0), (1.0, 0.1), (0.98, 0.17), (0.0, 0.17), (0.0, 0.08)],
        [(0.0, 0.17), (1.0, 0.17), (0.92, 0.25), (0.05, 0.26)],
        [
            (0.3, 0.25),
            (0.72, 0.25),
            (0.78, 0.3),
            (0.7, 0.37),
            (0.33, 0.37),
            (0.28, 0.32),
        ],
        [(0.74, 0.31), (reach, 0.325), (reach, 0.345), (0.74, 0.345)],
        rect(0.4, 0.37, 0.47, 0.41),
        rect(0.36, 0.37, 0.365, 0.62),
    ]


def apc_shapes(rng: random.Random) -> list[list[Point]]:
    return [
        [
            (0.0, 0.1),
            (0.0, 0.34),
            (0.72, 0.36),
            (0.98, 0.22),
            (1.0, 0.12),
            (0.96, 0.08),
            (0.05, 0.08),
        ],
        rect(0.4, 0.36, 0.56, 0.43),
        [(0.55, 0.395), (0.8, 0.4), (0.8, 0.41), (0.55, 0.41)],
        rect(0.12, 0.34, 0.125, 0.58),
        *wheels((0.14, 0.33, 0.6, 0.8), 0.075),
    ]


def draw_vehicles(
    canvas: Image.Image,
    scene: Scene,
    builders: Sequence[Callable[[random.Random], list]],
    count: int,
    size: float,
) -> None:
    rng = scene.rng
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    mirror = rng.random() < 0.5
    gap = size * rng.uniform(1.15, 1.5)
    start = (scene.width - size - gap * (count - 1)) * rng.uniform(0.25, 0.75)
    shadow = scene.canvas_mask()
    for index in range(count):
        scale = size * (1 - 0.12 * index)
        x = start + gap * index
        base = scene.ground_at(x + scale / 2) + scale * 0.02
        origin = x + scale if mirror else x
        for shape in rng.choice(builders)(rng):
            draw.polygon(place(shape, origin, base, scale, mirror), fill=255)
        ImageDraw.Draw(shadow).ellipse(
            (
                x - scale * 0.04,
                base - scale * 0.03,
                x + scale * 1.06,
                base + scale * 0.035,
            ),
            fill=150,
        )
    soft_paste(canvas, shade(scene.light.horizon, 0.2), shadow, size * 0.015)
    paint(canvas, mask, scene.subject_colour(OLIVE))


def draw_vehicle(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    builders = (tank_shapes,) if rng.random() < 0.6 else (apc_shapes,)
    count = rng.randint(1, 2)
    draw_vehicles(
        canvas, scene, builders, count, scene.width * rng.uniform(0.3, 0.42) / count
    )


def draw_launcher(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    draw_vehicles(
        canvas,
        scene,
        (launcher_shapes,),
        rng.randint(1, 2),
        scene.width * rng.uniform(0.3, 0.4),
    )


def draw_radar(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    if rng.random() < 0.55:
        draw_vehicles(
            canvas, scene, (radar_shapes,), 1, scene.width * rng.uniform(0.35, 0.45)
        )
        return
    size = scene.height * rng.uniform(0.45, 0.6)
    x = scene.width * rng.uniform(0.3, 0.7)
    base = scene.ground_at(x) + 4
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    draw.polygon(place(rect(-0.35, 0, 0.35, 0.22), x, base, size), fill=255)
    for leg in (-0.2, 0.2):
        draw.polygon(
            place(
                [
                    (leg, 0.22),
                    (leg + 0.03, 0.22),
                    (leg * 0.3 + 0.03, 0.62),
                    (leg * 0.3, 0.62),
                ],
                x,
                base,
                size,
            ),
            fill=255,
        )
    for level in (0.32, 0.44, 0.56):
        draw.polygon(
            place(
                rect(-0.16 * (1.2 - level), level, 0.16 * (1.2 - level), level + 0.012),
                x,
                base,
                size,
            ),
            fill=255,
        )
    paint(canvas, mask, scene.subject_colour((150, 150, 146)))
    dome = scene.canvas_mask()
    cx, cy = x, base - size * 0.8
    radius = size * 0.2
    ImageDraw.Draw(dome).ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), fill=255
    )
    dome_colour = NIGHT_INK if scene.light.backlit else (226, 228, 226)
    paint(canvas, dome, mix(dome_colour, scene.light.horizon, 0.15))


def draw_convoy(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    count = rng.randint(4, 6)
    size = scene.width * rng.uniform(0.16, 0.22)
    road = scene.canvas_mask()
    top = min(y for _, y in scene.ground)
    ImageDraw.Draw(road).polygon(
        [
            (0, top + 6),
            (scene.width, top + 6),
            (scene.width, top + size * 0.2),
            (0, top + size * 0.24),
        ],
        fill=255,
    )
    canvas.paste(shade((96, 92, 84), 0.5 + 0.5 * scene.light.level), (0, 0), road)
    scene.ground = [(0, top + size * 0.12), (scene.width, top + size * 0.1)]
    builders = (truck_shapes, truck_shapes, apc_shapes)
    draw_vehicles(canvas, scene, builders, count, size)
    dust = fractal(rng, (scene.width, scene.height), (6, 4)).point(
        lambda v: max(0, min(90, (v - 120) * 2))
    )
    band = soft_mask(
        canvas.size,
        "rectangle",
        (0, top - size * 0.5, scene.width, top + size * 0.2),
        size * 0.2,
    )
    dust = ImageChops.multiply(dust, band)
    canvas.paste(mix(TERRAINS["desert"][1], scene.light.horizon, 0.5), (0, 0), dust)


def soldier(stride: float, carrying: bool) -> list[list[Point]]:
    head = [
        (0.02 + 0.07 * math.cos(a), 0.9 + 0.065 * math.sin(a))
        for a in (i * math.tau / 10 for i in range(10))
    ]
    helmet = [(-0.07, 0.9), (0.1, 0.9), (0.08, 0.99), (0.02, 1.01), (-0.05, 0.98)]
    parts = [
        head,
        helmet,
        rect(-0.01, 0.8, 0.05, 0.86),
        [
            (-0.1, 0.48),
            (0.11, 0.48),
            (0.13, 0.79),
            (0.08, 0.84),
            (-0.08, 0.84),
            (-0.11, 0.79),
        ],
        [(-0.16, 0.55), (-0.09, 0.55), (-0.09, 0.8), (-0.14, 0.78)],
        [(-0.08, 0.5), (0.01, 0.5), (-0.03 - stride, 0.02), (-0.09 - stride, 0.02)],
        [(0.0, 0.5), (0.1, 0.5), (0.09 + stride, 0.02), (0.03 + stride, 0.02)],
        rect(-0.1 - stride, 0.0, -0.01 - stride, 0.03),
        rect(0.03 + stride, 0.0, 0.13 + stride, 0.03),
    ]
    if carrying:
        parts += [
            [(0.02, 0.79), (0.12, 0.63), (0.15, 0.65), (0.07, 0.8)],
            [(-0.03, 0.58), (0.34, 0.73), (0.345, 0.71), (-0.02, 0.56)],
        ]
    else:
        parts.append([(0.03, 0.8), (0.1, 0.56), (0.13, 0.57), (0.08, 0.8)])
    return parts


def draw_soldiers(canvas: Image.Image, scene: Scene) -> None:
    rng = scene.rng
    count = rng.randint(3, 7)
    height = scene.height * rng.uniform(0.2, 0.3)
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    mirror = rng.random() < 0.5
    x = scene.width * rng.uniform(0.1, 0.3)
    for _ in range(count):
        scale = height * rng.uniform(0.85, 1.05)
        base = scene.ground_at(x) + scale * 0.02
        for part in soldier(rng.uniform(0.05, 0.16), rng.random() < 0.8):
            draw.polygon(place(part, x, base, scale, mirror), fill=255)
        x += scale * rng.uniform(0.45, 0.9)
    paint(canvas, mask, scene.subject_colour(OLIVE))


def draw_factory(canvas: Image.Image, scene: Scene) -> None:
    rng, width = scene.rng, scene.width
    base = max(y for _, y in scene.ground[: len(scene.ground) // 2]) + 6
    scene.ground = [(0, base), (width, base)]
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    unit = scene.height * rng.uniform(0.18, 0.26)
    x = width * rng.uniform(-0.05, 0.15)
    teeth = rng.randint(5, 9)
    outline = [(x, base), (x, base - unit)]
    for tooth in range(teeth):
        left = x + tooth * unit * 0.5
        outline += [
            (left, base - unit),
            (left + unit * 0.5, base - unit * 1.35),
            (left + unit * 0.5, base - unit),
        ]
    right = x + teeth * unit * 0.5
    outline += [(right, base)]
    draw.polygon(outline, fill=255)
    hall_left = right + unit * 0.2
    hall_right = hall_left + unit * rng.uniform(2.0, 3.2)
    draw.rectangle((hall_left, base - unit * 1.6, hall_right, base), fill=255)
    for chimney in range(rng.randint(1, 3)):
        cx = x + unit * (0.6 + chimney * 0.8)
        draw.rectangle((cx, base - unit * 2.4, cx + unit * 0.14, base - unit), fill=255)
    mast_x = hall_right + unit * rng.uniform(0.5, 1.5)
    crane_top = base - unit * rng.uniform(3.0, 3.6)
    draw.rectangle((mast_x, crane_top, mast_x + unit * 0.08, base), fill=255)
    draw.rectangle(
        (mast_x - unit * 2.4, crane_top, mast_x + unit * 0.9, crane_top + unit * 0.06),
        fill=255,
    )
    draw.rectangle(
        (
            mast_x + unit * 0.55,
            crane_top + unit * 0.06,
            mast_x + unit * 0.85,
            crane_top + unit * 0.26,
        ),
        fill=255,
    )
    hook_x = mast_x - unit * rng.uniform(0.8, 2.2)
    draw.line((hook_x, crane_top, hook_x, crane_top + unit * 1.5), fill=200, width=2)
    colour = scene.subject_colour((118, 116, 110))
    paint(canvas, mask, colour)
    if scene.light.backlit:
        windows = scene.canvas_mask()
        wdraw = ImageDraw.Draw(windows)
        for column in range(int((hall_right - hall_left) // (unit * 0.3))):
            for row in range(3):
                if rng.random() < 0.55:
                    wx = hall_left + unit * (0.12 + column * 0.3)
                    wy = base - unit * (1.4 - row * 0.4)
                    wdraw.rectangle(
                        (wx, wy, wx + unit * 0.14, wy + unit * 0.16), fill=235
                    )
        canvas.paste((255, 206, 130), (0, 0), windows)
    smoke = fractal(rng, (scene.width, scene.height), (10, 6)).point(
        lambda v: max(0, min(150, (v - 110) * 3))
    )
    sx = x + unit * 0.6
    plume = soft_mask(
        canvas.size,
        "ellipse",
        (sx - unit * 0.2, base - unit * 4.0, sx + unit * 2.5, base - unit * 2.3),
        unit * 0.4,
    )
    smoke = ImageChops.multiply(smoke, plume)
    canvas.paste(mix(scene.light.horizon, (180, 180, 180), 0.5), (0, 0), smoke)


def draw_building(canvas: Image.Image, scene: Scene) -> None:
    rng, width = scene.rng, scene.width
    base = max(y for _, y in scene.ground) + 4
    scene.ground = [(0, base), (width, base)]
    facade = width * rng.uniform(0.55, 0.8)
    left = (width - facade) / 2 + width * rng.uniform(-0.08, 0.08)
    unit = facade / 10
    mask = scene.canvas_mask()
    draw = ImageDraw.Draw(mask)
    draw.rectangle(
        (left - unit * 0.3, base - unit * 0.3, left + facade + unit * 0.3, base),
        fill=255,
    )
    draw.rectangle(
        (left, base - unit * 3.4, left + facade, base - unit * 0.3), fill=255
    )
    draw.polygon(
        [
            (left + facade * 0.3, base - unit * 3.4),
            (left + facade * 0.5, base - unit * 4.3),
            (left + facade * 0.7, base - unit * 3.4),
        ],
        fill=255,
    )
    if rng.random() < 0.5:
        cx = left + facade / 2
        draw.rectangle(
            (cx - unit * 0.9, base - unit * 5.0, cx + unit * 0.9, base - unit * 3.8),
            fill=255,
        )
        draw.pieslice(
            (cx - unit * 1.0, base - unit * 6.0, cx + unit * 1.0, base - unit * 4.0),
            180,
            360,
            fill=255,
        )
    pole = left + facade * rng.uniform(0.1, 0.25)
    draw.rectangle(
        (pole, base - unit * 6.2, pole + unit * 0.05, base - unit * 3.4), fill=255
    )
    stone = (206, 198, 182)
    colour = (
        NIGHT_INK
        if scene.light.backlit
        else shade(stone, 0.55 + 0.45 * scene.light.level)
    )
    paint(canvas, mask, mix(colour, scene.light.horizon, 0.12))
    flag = scene.canvas_mask()
    ImageDraw.Draw(flag).polygon(
        [
            (pole + unit * 0.05, base - unit * 6.15),
            (pole + unit * 1.0, base - unit * 6.05),
            (pole + unit * 1.05, base - unit * 5.45),
            (pole + unit * 0.05, base - unit * 5.5),
        ],
        fill=255,
    )
    paint(canvas, flag, rng.choice(((150, 40, 40), (30, 60, 130), (40, 100, 60))))
    openings = scene.canvas_mask()
    odraw = ImageDraw.Draw(openings)
    for column in range(9):
        cx = left + unit * (0.55 + column * 1.1)
        odraw.rectangle(
            (cx, base - unit * 2.9, cx + unit * 0.55, base - unit * 0.6), fill=255
        )
    glow = (255, 204, 128) if scene.light.backlit else shade(stone, 0.35)
    canvas.paste(glow, (0, 0), openings.point(lambda v: v * 3 // 4))


def draw_satellite(canvas: Image.Image, scene: Scene) -> None:
    rng, width, height = scene.rng, scene.width, scene.height
    canvas.paste(
        vertical_gradient((width, height), [(0, (4, 6, 14)), (1, (12, 18, 34))])
    )
    draw = ImageDraw.Draw(canvas)
    for _ in range(rng.randint(250, 450)):
        sx, sy = rng.uniform(0, width), rng.uniform(0, height)
        glow = rng.randint(90, 255)
        if rng.random() < 0.08:
            draw.ellipse((sx - 1.2, sy - 1.2, sx + 1.2, sy + 1.2), fill=(glow,) * 3)
        else:
            draw.point((sx, sy), fill=(glow, glow, min(255, glow + 12)))
    radius = width * rng.uniform(1.0, 1.5)
    cx, cy = width * rng.uniform(0.2, 0.8), height * rng.uniform(0.5, 0.68) + radius
    disc = scene.canvas_mask()
    ImageDraw.Draw(disc).ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius), fill=255
    )
    ocean = vertical_gradient((width, height), [(0, (36, 84, 150)), (1, (10, 36, 80))])
    canvas.paste(ocean, (0, 0), disc)
    clouds = fractal(rng, (width, height), (9, 5)).point(
        lambda v: max(0, min(255, (v - 130) * 3))
    )
    canvas.paste((236, 240, 246), (0, 0), ImageChops.multiply(clouds, disc))
    limb = scene.canvas_mask()
    ImageDraw.Draw(limb).ellipse(
        (cx - radius, cy - radius, cx + radius, cy + radius),
        outline=255,
        width=max(width // 160, 4),
    )
    soft_paste(canvas, (120, 180, 255), limb, width / 120)
    size = width * rng.uniform(0.1, 0.16)
    sx, sy = width * rng.uniform(0.3, 0.7), height * rng.uniform(0.25, 0.45)
    angle = rng.uniform(-0.5, 0.5)
    panels = scene.canvas_mask()
    pdraw = ImageDraw.Draw(panels)
    for side in (-1, 1):
        near, far = side * size * 0.45, side * size * 2.2
        pdraw.polygon(
            rotate(
                rect(
                    sx + min(near, far),
                    sy - size * 0.28,
                    sx + max(near, far),
                    sy + size * 0.28,
                ),
                angle,
                (sx, sy),
            ),
            fill=255,
        )
    paint(canvas, panels, (34, 50, 96), soften=0.6)
    grid = scene.canvas_mask()
    gdraw = ImageDraw.Draw(grid)
    for side in (-1, 1):
        for step in range(1, 7):
            gx = sx + side * (size * 0.45 + step * size * 0.25)
            gdraw.line(
                rotate(
                    [(gx, sy - size * 0.28), (gx, sy + size * 0.28)], angle, (sx, sy)
                ),
                fill=150,
                width=2,
            )
    canvas.paste((90, 110, 160), (0, 0), ImageChops.multiply(grid, panels))
    body = scene.canvas_mask()
    bdraw = ImageDraw.Draw(body)
    bdraw.polygon(
        rotate(
            rect(sx - size * 0.35, sy - size * 0.4, sx + size * 0.35, sy + size * 0.4),
            angle,
            (sx, sy),
        ),
        fill=255,
    )
    paint(canvas, body, (196, 152, 70))
    dish = scene.canvas_mask()
    dx, dy = rotate([(sx, sy - size * 0.55)], angle, (sx, sy))[0]
    ImageDraw.Draw(dish).ellipse(
        (dx - size * 0.3, dy - size * 0.12, dx + size * 0.3, dy + size * 0.12), fill=255
    )
    paint(canvas, dish, (220, 222, 226))


# kind: (subject, background: "sea", "land", "sky", "space", terrains allowed)
SUBJECTS: dict[
    str, tuple[Callable[[Image.Image, Scene], None], str, tuple[str, ...]]
] = {
    "ship": (draw_ship, "sea", ()),
    "submarine": (draw_submarine, "sea", ()),
    "aircraft": (draw_aircraft, "land", ("grass", "steppe", "desert", "forest")),
    "drone": (draw_drone, "land", ("steppe", "desert", "grass")),
    "helicopter": (draw_helicopter, "land", ("grass", "forest", "steppe", "snow")),
    "radar": (draw_radar, "land", ("grass", "steppe", "snow", "desert")),
    "launcher": (
        draw_launcher,
        "land",
        ("grass", "steppe", "snow", "desert", "forest"),
    ),
    "vehicle": (draw_vehicle, "land", ("grass", "steppe", "snow", "desert", "forest")),
    "convoy": (draw_convoy, "land", ("steppe", "desert", "grass", "snow")),
    "soldiers": (draw_soldiers, "land", ("grass", "steppe", "snow", "forest")),
    "factory": (draw_factory, "land", ("grass", "steppe", "snow")),
    "building": (draw_building, "land", ("grass", "snow")),
    "satellite": (draw_satellite, "space", ()),
}
KINDS = tuple(SUBJECTS)


def finish(canvas: Image.Image, rng: random.Random) -> Image.Image:
    """Film grain and a soft vignette, so flat fills read as a photograph."""
    width, height = canvas.size
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    grain = grain.point(lambda v: 128 + (v - 128) * 12 // 100).convert("RGB")
    canvas = ImageChops.soft_light(canvas, grain)
    vignette = Image.radial_gradient("L").resize((width, height))
    strength = rng.uniform(0.25, 0.4)
    vignette = vignette.point(lambda v: 255 - round(255 * strength * (v / 255) ** 2.2))
    return ImageChops.multiply(canvas, vignette.convert("RGB"))


def make_demo_image(kind: str, seed: int, size: tuple[int, int] = (1600, 900)) -> bytes:
    """A JPEG of a ``kind`` scene (one of ``KINDS``), the same for the same seed."""
    try:
        subject, background, terrains = SUBJECTS[kind]
    except KeyError:
        raise ValueError(
            f"Unknown demo image kind {kind!r}; choose from {KINDS}."
        ) from None
    rng = random.Random(f"{kind}:{seed}")
    width, height = size
    light = rng.choice(LIGHTS)
    if background == "space":
        horizon = height
    elif kind in ("aircraft", "drone", "helicopter"):
        horizon = int(height * rng.uniform(0.8, 0.9))
    else:
        horizon = int(height * rng.uniform(0.52, 0.66))
    scene = Scene(
        rng, width, height, horizon, light, ground=[(0, horizon), (width, horizon)]
    )
    canvas = draw_sky(scene) if background != "space" else Image.new("RGB", size)
    if background == "sea":
        draw_sea(canvas, scene)
    elif background == "land":
        terrain = "snow" if light.name == "winter" and "snow" in terrains else None
        draw_land(canvas, scene, terrain or rng.choice(terrains))
    subject(canvas, scene)
    buffer = io.BytesIO()
    finish(canvas, rng).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()
