"""Builds the crack model's training set from git mirrors and the eval sets' tune photos.

Usage: python3 tools/crack-model/build_data.py <mirror-dir> <out.pt>

Positives (image + crack mask) come from three public datasets, read at a fixed commit;
every image that shares a source photo with an eval photo (tune or held-out) is left out.
Negatives (empty masks) are the tune parts of eval/plain and eval/meters, so no held-out
photo is ever seen. Images are shrunk to a long edge of at most 512 px, as the local engine
shrinks every photo before its detectors look at it.
"""
import io, json, os, subprocess, sys
import numpy as np
import torch
from PIL import Image, ImageOps

EDGE = 512
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

SOURCES = {
    "deepcrack": ("jklimack/CrackSegmentation", "f7aac202f76050bb71c0cf0dbc1f51e222b0ead9"),
    "crackforest": ("JeromeWynne/CrackForest-dataset", "0d5c577bb833f0735598f612248042f68083cdc9"),
    "masonry": ("dimitrisdais/crack_detection_CNN_masonry", "83c371c70a27852f22ab3386269c6058a203ef38"),
}


# More photos with no crack, from repositories that supply no held-out eval photo: people,
# rooms, objects, landscapes, meters. (repo, commit, folder, at most, licence stated there)
NEGATIVES = [
    ("ageitgey/face_recognition", "2e2dccea9dd0ce730c8d464d0f67c6eebb40c9d1", "", 40, "MIT"),
    ("IBM/MAX-ResNet-50", "643dbe4064870461c20fb35da49e86ec6734d37c", "", 70, "Apache-2.0"),
    ("Phlow/feeling-responsive", "db92e5e303aaea3c939f7c5aaad1354868143ee1", "images", 40, "MIT"),
    ("KIMOUGINOT/Water-meter-detection", "3651ed6dc5c77c5ca55f5fbe51a48a0a4c9f51e7", "", 30, "MIT"),
    ("facebookresearch/sam2", "2b90b9f5ceec907a1c18123530e92e794ad901a4", "", 25, "Apache-2.0"),
    ("tencent-ailab/IP-Adapter", "62e4af9d0c1ac7d5f8dd386a0ccf2211346af1a2", "assets", 25, "Apache-2.0"),
    ("revelrush/Automatic-Water-Meter-Reader", "d6fa6cbbce702e199ba2e95e10e5fd24f77e3dd1", "", 50, "Apache-2.0"),
]
MIN_BYTES = 30_000


def git_dir(mirror, repo):
    owner_name = repo.replace("/", "+")
    for d in (f"{owner_name}/repo", owner_name, repo.split("/")[1]):
        p = os.path.join(mirror, d)
        if os.path.exists(p):
            return p
    raise SystemExit(f"no mirror of {repo} under {mirror}")


def git(gd, *args):
    return subprocess.run(["git", "--git-dir", gd, *args], check=True, capture_output=True).stdout


def listing(gd, commit, folder):
    return git(gd, "ls-tree", "--name-only", f"{commit}:{folder}").decode().split()


def shrink(img, resample):
    w, h = img.size
    s = min(1.0, EDGE / max(w, h))
    if s < 1:
        img = img.resize((max(1, round(w * s)), max(1, round(h * s))), resample)
    return img


def pair(rgb, mask):
    rgb = shrink(ImageOps.exif_transpose(rgb).convert("RGB"), Image.BILINEAR)
    m = shrink(mask, Image.BILINEAR).resize(rgb.size, Image.BILINEAR)
    m = (np.asarray(m, dtype=np.float32) >= 128).astype(np.uint8)
    return torch.from_numpy(np.asarray(rgb, dtype=np.uint8).copy()), torch.from_numpy(m)


def parse_seg(text):
    lines = text.splitlines()
    head = {l.split()[0]: l.split()[1] for l in lines if len(l.split()) == 2}
    w, h = int(head["width"]), int(head["height"])
    m = np.zeros((h, w), np.uint8)
    for l in lines[lines.index("data") + 1:]:
        p = l.split()
        if len(p) == 4 and p[0] == "1":
            m[int(p[1]), int(p[2]):int(p[3]) + 1] = 255
    return Image.fromarray(m)


def eval_sources(set_name):
    labels = json.load(open(os.path.join(ROOT, "eval", set_name, "labels.json")))
    return [p["source"]["path"].split("/")[-1] for p in labels["photos"]]


def main(mirror, out):
    items = []  # (group, name, rgb uint8 HxWx3, mask uint8 HxW)
    # DeepCrack: names "11218-1.jpg" are crops of photo 11218.
    repo, commit = SOURCES["deepcrack"]
    gd = git_dir(mirror, repo)
    held = {n.split("-")[0].split(".")[0] for n in eval_sources("concrete")}
    for name in listing(gd, commit, "DeepCrack/train_img"):
        base = name.split("-")[0].split(".")[0]
        if base in held:
            continue
        stem = name.rsplit(".", 1)[0]
        rgb = Image.open(io.BytesIO(git(gd, "show", f"{commit}:DeepCrack/train_img/{name}")))
        mask = Image.open(io.BytesIO(git(gd, "show", f"{commit}:DeepCrack/train_lab/{stem}.png"))).convert("L")
        items.append(("deepcrack", name, *pair(rgb, mask)))
    # CrackForest: every photo not in eval/cracks.
    repo, commit = SOURCES["crackforest"]
    gd = git_dir(mirror, repo)
    held = set(eval_sources("cracks"))
    segs = set(listing(gd, commit, "seg"))
    for name in listing(gd, commit, "image"):
        if name in held or name.rsplit(".", 1)[0] + ".seg" not in segs:
            continue
        stem = name.rsplit(".", 1)[0]
        rgb = Image.open(io.BytesIO(git(gd, "show", f"{commit}:image/{name}")))
        mask = parse_seg(git(gd, "show", f"{commit}:seg/{stem}.seg").decode())
        items.append(("crackforest", name, *pair(rgb, mask)))
    # Masonry: names "a_12_6.png" are patch 6 of photo a_12.
    repo, commit = SOURCES["masonry"]
    gd = git_dir(mirror, repo)
    photo = lambda n: "_".join(n.split("_")[:2])
    held = {photo(n) for n in eval_sources("masonry")}
    for name in listing(gd, commit, "dataset/crack_detection_224_images"):
        if photo(name) in held:
            continue
        rgb = Image.open(io.BytesIO(git(gd, "show", f"{commit}:dataset/crack_detection_224_images/{name}")))
        mask = Image.open(io.BytesIO(git(gd, "show", f"{commit}:dataset/crack_detection_224_masks/{name}"))).convert("L")
        items.append(("masonry", name, *pair(rgb, mask)))
    for repo, commit, folder, most, _licence in NEGATIVES:
        gd = git_dir(mirror, repo)
        rows = git(gd, "ls-tree", "-r", "-l", commit, *([folder] if folder else [])).decode().splitlines()
        paths = sorted(
            r.split("\t", 1)[1] for r in rows
            if r.split()[3].isdigit() and int(r.split()[3]) >= MIN_BYTES
            and r.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))
        )
        # Evenly spread over the listing, so one folder of video frames does not dominate.
        step = max(1, len(paths) / most)
        for path in [paths[int(i * step)] for i in range(min(most, len(paths)))]:
            try:
                rgb = Image.open(io.BytesIO(git(gd, "show", f"{commit}:{path}")))
                rgb.load()
            except Exception as err:  # an odd file is skipped, with its name
                print("skipped", repo, path, err)
                continue
            items.append(("more", f"{repo}:{path}", *pair(rgb, Image.new("L", rgb.size))))
    # Negatives: the tune photos of the sets with no crack.
    for set_name in ("plain", "meters"):
        folder = os.path.join(ROOT, "eval", set_name)
        labels = json.load(open(os.path.join(folder, "labels.json")))
        for p in labels["photos"]:
            if p["split"] != "tune":
                continue
            path = os.path.join(folder, p["file"])
            if not os.path.exists(path):
                raise SystemExit(f"{path} missing: run npm run eval:fetch first")
            rgb = Image.open(path)
            items.append((set_name, p["file"], *pair(rgb, Image.new("L", rgb.size))))
    counts = {}
    for g, *_ in items:
        counts[g] = counts.get(g, 0) + 1
    print(counts)
    torch.save(items, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
