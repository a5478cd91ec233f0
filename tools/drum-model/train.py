"""Train the drum reader: a small CRNN (convolutions, then CTC over the digits 0-9).

Crops are cut at random around each register (sometimes with the marks beside it, the
"V" and "m" of a Chongqing face), tilted, blurred, lit and sometimes inverted (white
digits on black drums). Half of each batch is registers put together from the drums of
several photos, of 4 to 8 drums: the dataset's registers are nearly all "00xyz", and a
reader trained on them alone would learn that the first two drums are 0.

usage: train.py <data.pkl> <out.onnx> [steps] [threads]
"""

import pickle, random, sys
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageDraw, ImageFilter, ImageFont

HEIGHT = 32  # the reader's input height
MAX_WIDTH = 256
DRUMS = 5
SEED = 7


class DrumNet(nn.Module):
    """Grey line (1×32×W) -> per-step log-probabilities over blank + 10 digits (W/4 steps)."""

    def __init__(self):
        super().__init__()

        def block(i, o, pool):
            layers = [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(inplace=True)]
            return layers + ([nn.MaxPool2d(pool)] if pool else [])

        self.cnn = nn.Sequential(
            *block(1, 32, (2, 2)), *block(32, 64, (2, 2)), *block(64, 96, None),
            *block(96, 96, (2, 1)), *block(96, 128, (2, 1)), *block(128, 128, (2, 1)),
        )  # 32 -> 1 high after the last pool, W/4 wide
        self.seq = nn.Sequential(
            nn.Conv1d(128, 128, 5, padding=2), nn.ReLU(inplace=True),
            nn.Conv1d(128, 128, 5, padding=2), nn.ReLU(inplace=True),
        )
        self.out = nn.Conv1d(128, 11, 1)

    def forward(self, x):
        f = self.cnn(x).squeeze(2)  # N×128×T
        f = f + self.seq(f)
        return self.out(f)  # N×11×T (logits; class 0 is the blank)


def split(n):
    """A fixed tenth of the registers is never trained on: the validation fold."""
    rng = random.Random(SEED)
    idx = list(range(n)); rng.shuffle(idx)
    k = n // 10
    return sorted(idx[k:]), sorted(idx[:k])


def drum_cells(crop, box):
    """The register's drums, each as a column slice of the crop (margins above and below kept)."""
    x0, _, w, _ = box
    edges = [int(round(x0 + w * i / DRUMS)) for i in range(DRUMS + 1)]
    return [crop[:, edges[i]:edges[i + 1]] for i in range(DRUMS)]


def composite(rng, data, train):
    """A register of 4-8 drums drawn from several photos, framed by one photo's margins."""
    n = rng.randint(4, 8)
    host = rng.choice(train)
    crop, box = data["crops"][host], data["boxes"][host]
    x0, _, w, _ = box
    cells, label = [], ""
    for _ in range(n):
        k = rng.choice(train)
        d = rng.randrange(DRUMS)
        cells.append(drum_cells(data["crops"][k], data["boxes"][k])[d])
        label += data["labels"][k][d]
    left = crop[:, : int(round(x0))]
    right = crop[:, int(round(x0 + w)):]
    body = np.concatenate(cells, axis=1)
    img = np.concatenate([left, body, right], axis=1)
    return img, (left.shape[1], box[1], body.shape[1], box[3]), label


# Condensed and plain sans faces Debian ships (fonts-dejavu-core, fonts-liberation): drum
# counters' digits are mostly such faces.
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
]


def drawn(rng):
    """A register drawn here: 4-8 drums of one face, light or dark, some red, some mid-roll.

    The photos all show one make of meter; drawn drums add other faces, white digits on
    black drums and red decimal drums, so that the reader learns digits, not one meter.
    """
    n = rng.randint(4, 8)
    zeros = rng.randint(0, min(3, n - 1)) if rng.random() < 0.6 else 0
    label = "0" * zeros + "".join(str(rng.randrange(10)) for _ in range(n - zeros))
    red = rng.randint(0, 3) if rng.random() < 0.4 else 0
    h = 64
    pitch = int(h * rng.uniform(0.6, 0.95))
    gap = rng.randint(0, 8)
    font = ImageFont.truetype(rng.choice(FONTS), int(h * rng.uniform(0.6, 0.85)))
    dark = rng.random() < 0.5
    face = rng.randint(150, 255) if rng.random() < 0.5 else rng.randint(0, 90)
    margin_x, margin_y = h, h // 2
    img = Image.new("RGB", (2 * margin_x + n * (pitch + gap), h + 2 * margin_y), (face,) * 3)
    draw = ImageDraw.Draw(img)
    for i, ch in enumerate(label):
        x = margin_x + i * (pitch + gap)
        is_red = i >= n - red
        drum = (200, 30, 30) if is_red else ((20, 20, 20) if dark else (235, 235, 225))
        ink = (245, 245, 245) if (dark or is_red) else (15, 15, 15)
        draw.rectangle([x, margin_y, x + pitch, margin_y + h], fill=drum)
        roll = rng.uniform(-0.22, 0.22) * h if rng.random() < 0.3 else 0.0
        for k, dy in ((0, 0.0), (1, h * 1.05), (-1, -h * 1.05)):  # the digit and its neighbours
            glyph = str((int(ch) + k) % 10)
            draw.text((x + pitch / 2, margin_y + h / 2 + dy + roll), glyph, font=font, fill=ink, anchor="mm")
        draw.rectangle([x, 0, x + pitch, margin_y - 1], fill=(face,) * 3)
        draw.rectangle([x, margin_y + h + 1, x + pitch, img.height], fill=(face,) * 3)
    for y in range(margin_y, margin_y + h):  # the drums' curve: darker towards top and bottom
        shade = 1 - 0.35 * abs((y - margin_y) / h - 0.5) * 2 * rng.uniform(0.5, 1)
        row = np.asarray(img.crop((0, y, img.width, y + 1)), np.float32) * shade
        img.paste(Image.fromarray(row.astype(np.uint8)), (0, y))
    grey = np.asarray(img.convert("L"))
    return grey, (margin_x, margin_y, n * (pitch + gap) - gap, h), label


def sample(rng, data, train):
    r = rng.random()
    if r < 0.35:
        return drawn(rng)
    if r < 0.65:
        return composite(rng, data, train)
    k = rng.choice(train)
    return data["crops"][k], data["boxes"][k], data["labels"][k]


def cut(rng, img, box, jitter=True):
    """A line crop as the text detector would box it, scaled to the reader's height."""
    x0, y0, w, h = box
    if jitter:
        l, r = rng.uniform(0.05, 0.9) * h, rng.uniform(0.05, 0.9) * h
        t, b = rng.uniform(0.0, 0.35) * h, rng.uniform(0.0, 0.35) * h
        dy = rng.uniform(-0.08, 0.08) * h
    else:
        l = r = 0.3 * h; t = b = 0.15 * h; dy = 0
    pil = Image.fromarray(img)
    if jitter and rng.random() < 0.7:
        pil = pil.rotate(rng.uniform(-4, 4), resample=Image.BILINEAR, center=(x0 + w / 2, y0 + h / 2))
    box = (max(0, x0 - l), max(0, y0 - t + dy), min(img.shape[1], x0 + w + r), min(img.shape[0], y0 + h + b + dy))
    pil = pil.crop(tuple(int(round(v)) for v in box))
    scale = HEIGHT / pil.height
    if jitter:
        scale *= rng.uniform(0.85, 1.15)  # squeeze or stretch along the line
    width = max(8, min(MAX_WIDTH, int(round(pil.width * scale))))
    pil = pil.resize((width, HEIGHT), Image.BILINEAR)
    if jitter and rng.random() < 0.4:
        pil = pil.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    a = np.asarray(pil, dtype=np.float32) / 255.0
    if jitter:
        a = np.clip((a - 0.5) * rng.uniform(0.5, 1.4) + 0.5 + rng.uniform(-0.25, 0.25), 0, 1)
        a = a ** rng.uniform(0.7, 1.4)
        if rng.random() < 0.3:
            a = 1.0 - a
        a = np.clip(a + np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(0, 0.05), a.shape), 0, 1)
    return a.astype(np.float32)




def pack(imgs, labels):
    width = max(a.shape[1] for a in imgs)
    width += (-width) % 4
    x = np.zeros((len(imgs), 1, HEIGHT, width), np.float32)
    for i, a in enumerate(imgs):
        x[i, 0, :, : a.shape[1]] = a
    targets = torch.tensor([int(c) + 1 for l in labels for c in l], dtype=torch.long)
    lengths = torch.tensor([len(l) for l in labels], dtype=torch.long)
    return torch.from_numpy(x), targets, lengths, [a.shape[1] // 4 for a in imgs]


def decode(logits):
    """Greedy CTC: the digits of each line."""
    best = logits.argmax(1)  # N×T
    out = []
    for row in best.tolist():
        s, prev = "", 0
        for c in row:
            if c != prev and c != 0:
                s += str(c - 1)
            prev = c
        out.append(s)
    return out


def validate(net, data, idx):
    rng = random.Random(1)
    net.eval()
    right = 0
    with torch.no_grad():
        for k in idx:
            x, _, _, steps = pack([cut(rng, data["crops"][k], data["boxes"][k], False)], [data["labels"][k]])
            right += decode(net(x)[:, :, : steps[0]])[0] == data["labels"][k]
    net.train()
    return right, len(idx)


def main():
    data_path, out = sys.argv[1], sys.argv[2]
    steps = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
    torch.set_num_threads(int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    torch.manual_seed(SEED); np.random.seed(SEED)
    rng = random.Random(SEED)
    data = pickle.load(open(data_path, "rb"))
    keep = [i for i, l in enumerate(data["labels"]) if len(l) == DRUMS and l.isdigit()]
    train, val = split(len(data["labels"]))
    train = [i for i in train if i in keep]; val = [i for i in val if i in keep]
    net = DrumNet()
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.1)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    for step in range(1, steps + 1):
        imgs, labels = [], []
        for _ in range(32):
            img, box, label = sample(rng, data, train)
            imgs.append(cut(rng, img, box)); labels.append(label)
        x, targets, lengths, widths = pack(imgs, labels)
        logp = F.log_softmax(net(x), 1).permute(2, 0, 1)  # T×N×C
        loss = ctc(logp, targets, torch.tensor(widths), lengths)
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if step % 250 == 0 or step == steps:
            r, n = validate(net, data, val)
            print(f"step {step} loss {loss.item():.3f} fold {r}/{n}", flush=True)
    net.eval()
    torch.save(net.state_dict(), out + ".pt")
    export(net, out)


class Probabilities(nn.Module):
    """The exported form: N×T×11 probabilities, class 0 the blank (PaddleOCR's layout)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return F.softmax(self.net(x), 1).permute(0, 2, 1)


def export(net, out):
    torch.onnx.export(Probabilities(net), torch.zeros(1, 1, HEIGHT, 128), out, input_names=["x"], output_names=["probabilities"],
                      dynamic_axes={"x": {0: "n", 3: "w"}, "probabilities": {0: "n", 1: "t"}}, opset_version=13)
    print("wrote", out)


if __name__ == "__main__":
    main()
