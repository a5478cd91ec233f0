"""Register crops for the drum reader, from iaoqian/water_meter_recognition (MIT).

Each of the dataset's 1000 labelled photos gives one register: its four corners and
its five drums' reading. The register is straightened with some of the face around it
(training crops are cut from that margin) and kept grey, 64 px high. Photos used by
eval/meters or eval/meters-dev are left out, so that neither set measures its own
training data.

usage: build_data.py <mirror-dir> <out.pkl>
"""

import io, json, pickle, subprocess, sys
from pathlib import Path
import numpy as np
from PIL import Image

REPO = "iaoqian+water_meter_recognition"
COMMIT = "53bdd22a3b91"
HEIGHT = 64
# Margins around the register, in register heights: room for the random crops of training.
SIDE, ABOVE = 1.0, 0.5


def git_show(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(repo), "show", f"{COMMIT}:{path}"],
                          check=True, capture_output=True).stdout


def eval_photos(root: Path) -> set:
    used = set()
    for s in ("meters", "meters-dev"):
        labels = json.loads((root / "eval" / s / "labels.json").read_text())
        for p in labels["photos"]:
            name = Path(p["file"]).name
            if name.startswith("iaq-"):
                used.add(name[len("iaq-"):])
    return used


def perspective(quad, w, h):
    """Coefficients mapping the output rectangle (w×h) onto the source quad (PIL's form)."""
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    a, b = [], []
    for (x, y), (u, v) in zip(dst, quad):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    return np.linalg.solve(np.array(a, float), np.array(b, float)).tolist()


def straightened(img: Image.Image, pts):
    q = np.array(pts, float).reshape(4, 2)
    width = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    height = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    ex = (q[1] - q[0]) / max(width, 1)  # unit vectors along and across the register
    ey = (q[3] - q[0]) / max(height, 1)
    mx, my = SIDE * height, ABOVE * height
    grown = [q[0] - mx * ex - my * ey, q[1] + mx * ex - my * ey,
             q[2] + mx * ex + my * ey, q[3] - mx * ex + my * ey]
    scale = HEIGHT / height
    w = int(round((width + 2 * mx) * scale)); h = int(round((height + 2 * my) * scale))
    out = img.transform((w, h), Image.PERSPECTIVE, perspective(grown, w, h), Image.BICUBIC)
    # Where the register lies inside the crop, in crop pixels.
    return np.asarray(out.convert("L")), (mx * scale, my * scale, width * scale, HEIGHT)


def main():
    mirror, out = Path(sys.argv[1]), sys.argv[2]
    repo = mirror / REPO / "repo"
    used = eval_photos(Path(__file__).resolve().parents[2])
    crops, boxes, labels, names = [], [], [], []
    for k in range(1, 1001):
        name = f"train_{k}.jpg"
        if name in used:
            continue
        line = git_show(repo, f"WaterMeterDataset/train_labels/labels/train_{k}.txt").decode().split()
        pts, label = [float(v) for v in line[:8]], line[8]
        img = Image.open(io.BytesIO(git_show(repo, f"WaterMeterDataset/train_imgs/{name}"))).convert("RGB")
        crop, box = straightened(img, pts)
        crops.append(crop); boxes.append(box); labels.append(label); names.append(name)
    with open(out, "wb") as f:
        pickle.dump({"crops": crops, "boxes": boxes, "labels": labels, "names": names}, f)
    print(f"{len(crops)} registers ({len(used)} eval photos left out) -> {out}")


if __name__ == "__main__":
    main()
