"""Trains the crack segmenter on the set build_data.py made and exports it as ONNX.

Usage: python3 tools/crack-model/train.py <data.pt> <out.onnx> [steps] [val-every]

A small encoder-decoder (about 0.15 M parameters): it reads RGB at the engine's detector
size and gives a crack probability per pixel. Small enough for a CPU in well under a
second per photo; the local engine turns its map into boxes (crack-model.ts).
"""
import json, random, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(7)
random.seed(7)
np.random.seed(7)
CROP = 256
BATCH = 12
# How often each group is drawn: crack sets and no-crack photos about half each.
WEIGHTS = {"deepcrack": 0.22, "crackforest": 0.1, "masonry": 0.18, "plain": 0.2, "meters": 0.12, "more": 0.18}


def block(cin, cout, stride=1, dilation=1, folded=False):
    conv = nn.Conv2d(cin, cout, 3, stride, padding=dilation, dilation=dilation, bias=folded)
    if folded:
        return nn.Sequential(conv, nn.ReLU(inplace=True))
    return nn.Sequential(conv, nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class CrackNet(nn.Module):
    """folded: each batch norm folded into the convolution before it, as the ONNX export has it."""

    def __init__(self, folded=False):
        super().__init__()

        def b(cin, cout, stride=1, dilation=1):
            return block(cin, cout, stride, dilation, folded)

        self.e1 = nn.Sequential(b(3, 16, 2), b(16, 16))  # 1/2
        self.e2 = nn.Sequential(b(16, 32, 2), b(32, 32))  # 1/4
        self.e3 = nn.Sequential(b(32, 64, 2), b(64, 64), b(64, 64, dilation=2))  # 1/8
        self.d2 = b(64 + 32, 32)
        self.d1 = b(32 + 16, 16)
        self.head = nn.Conv2d(16, 1, 1)

    def forward(self, x):
        x = x / 255.0 - 0.5
        f1 = self.e1(x)
        f2 = self.e2(f1)
        f3 = self.e3(f2)
        u2 = self.d2(torch.cat([F.interpolate(f3, size=f2.shape[2:], mode="bilinear", align_corners=False), f2], 1))
        u1 = self.d1(torch.cat([F.interpolate(u2, size=f1.shape[2:], mode="bilinear", align_corners=False), f1], 1))
        return F.interpolate(self.head(u1), size=x.shape[2:], mode="bilinear", align_corners=False)


def sample(groups):
    g = random.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    rgb, mask = random.choice(groups[g])
    img = rgb.permute(2, 0, 1).float().unsqueeze(0)
    m = mask.float()[None, None]
    s = random.uniform(0.7, 1.3)
    h, w = img.shape[2:]
    nh, nw = max(8, round(h * s)), max(8, round(w * s))
    img = F.interpolate(img, size=(nh, nw), mode="bilinear", align_corners=False)
    m = (F.interpolate(m, size=(nh, nw), mode="bilinear", align_corners=False) >= 0.5).float()
    ph, pw = max(0, CROP - nh), max(0, CROP - nw)
    if ph or pw:
        img = F.pad(img, (0, pw, 0, ph), mode="reflect" if ph < nh and pw < nw else "replicate")
        m = F.pad(m, (0, pw, 0, ph))
    y = random.randint(0, img.shape[2] - CROP)
    x = random.randint(0, img.shape[3] - CROP)
    img, m = img[:, :, y:y + CROP, x:x + CROP], m[:, :, y:y + CROP, x:x + CROP]
    if random.random() < 0.5:
        img, m = img.flip(3), m.flip(3)
    k = random.randint(0, 3)
    img, m = torch.rot90(img, k, (2, 3)), torch.rot90(m, k, (2, 3))
    # Light, contrast and colour cast vary from camera to camera.
    img = img * random.uniform(0.7, 1.3) + random.uniform(-25, 25)
    img = img * torch.empty(1, 3, 1, 1).uniform_(0.9, 1.1)
    return img.clamp(0, 255)[0], m[0]


def split(items, val_every):
    """Training photos by group, and the validation fold: every val_every-th photo of each
    group is kept out of training, to choose the engine's thresholds on photos the model has
    not seen."""
    groups, val, seen = {}, [], {}
    for g, name, rgb, mask in items:
        seen[g] = seen.get(g, 0) + 1
        if val_every and seen[g] % val_every == 0:
            val.append([g, name])
            continue
        groups.setdefault(g, []).append((rgb, mask))
    return groups, val


def main(data, out, steps, val_every):
    groups, val = split(torch.load(data), val_every)
    with open(out + ".val.json", "w") as f:
        json.dump(val, f, indent=0)
    net = CrackNet()
    print("parameters", sum(p.numel() for p in net.parameters()))
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps, pct_start=0.1)
    t0 = time.time()
    run = 0.0
    for step in range(steps):
        loss = train_step(net, opt, sched, groups)
        run = 0.98 * run + 0.02 * loss if step else loss
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step} loss {run:.4f} {time.time() - t0:.0f}s", flush=True)
        if step and step % 500 == 0:
            torch.save(net.state_dict(), out + ".state")
    torch.save(net.state_dict(), out + ".state")
    export(net, out)


def train_step(net, opt, sched, groups):
    """One batch of random crops: weighted cross-entropy + Dice, one optimizer step; the loss."""
    batch = [sample(groups) for _ in range(BATCH)]
    x = torch.stack([b[0] for b in batch])
    y = torch.stack([b[1] for b in batch])
    logits = net(x)
    bce = F.binary_cross_entropy_with_logits(logits, y, pos_weight=torch.tensor(3.0))
    p = torch.sigmoid(logits)
    dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
    loss = bce + dice
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    return loss.item()


def export(net, out):
    net.eval()
    dummy = torch.zeros(1, 3, 384, 512)
    torch.onnx.export(
        net, dummy, out, input_names=["image"], output_names=["logits"], opset_version=13,
        dynamic_axes={"image": {2: "height", 3: "width"}, "logits": {2: "height", 3: "width"}},
    )
    print("wrote", out)


if __name__ == "__main__":
    main(
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]) if len(sys.argv) > 3 else 5000,
        int(sys.argv[4]) if len(sys.argv) > 4 else 0,
    )
