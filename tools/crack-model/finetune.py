"""Fine-tunes the exported crack model with more masonry and more photos of no crack.

Usage: python3 tools/crack-model/finetune.py <data.pt> <base.onnx> <out.onnx> [steps] [val-every]

The base is train.py's export, whose batch norms are folded into its convolutions; its
weights are read back into the same network so folded (train.CrackNet(folded=True)), and a
short run at a low learning rate moves them a little from where training left them. Brick
walls were the model's weakest group, and a full retraining with masonry drawn more often
lost DeepCrack photos; a fine-tune that also draws photos of no crack more often found more
masonry without more false cracks (docs/analysis.md, eighth session). The same validation
fold as train.py is left out, and the seeds are train.py's.
"""
import sys, time
import torch
import torch.nn as nn
import onnx
import onnx.numpy_helper as numpy_helper

import train

STEPS = 1200
LR = 3e-4
# How often each group is drawn (train.py's, with masonry and the no-crack groups raised;
# the extra masonry is taken evenly from the other two crack groups).
WEIGHTS = {"deepcrack": 0.16, "crackforest": 0.04, "masonry": 0.30, "plain": 0.28, "meters": 0.12, "more": 0.24}


def load(net, path):
    model = onnx.load(path)
    weights = {i.name: torch.tensor(numpy_helper.to_array(i)) for i in model.graph.initializer}
    nodes = [n for n in model.graph.node if n.op_type == "Conv"]
    # Registered in the order the exported graph runs them.
    layers = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    if len(nodes) != len(layers):
        raise SystemExit(f"{path}: {len(nodes)} convolutions, expected {len(layers)}")
    for node, layer in zip(nodes, layers):
        w, b = weights[node.input[1]], weights[node.input[2]]
        if tuple(w.shape) != tuple(layer.weight.shape):
            raise SystemExit(f"{path}: {node.name} is {tuple(w.shape)}, expected {tuple(layer.weight.shape)}")
        layer.weight.data.copy_(w)
        layer.bias.data.copy_(b)


def main(data, base, out, steps, val_every):
    train.WEIGHTS.clear()
    train.WEIGHTS.update(WEIGHTS)
    groups, _val = train.split(torch.load(data), val_every)
    net = train.CrackNet(folded=True)
    load(net, base)
    opt = torch.optim.AdamW(net.parameters(), lr=LR, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    t0, run = time.time(), 0.0
    for step in range(steps):
        loss = train.train_step(net, opt, sched, groups)
        run = 0.98 * run + 0.02 * loss if step else loss
        if step % 100 == 0 or step == steps - 1:
            print(f"step {step} loss {run:.4f} {time.time() - t0:.0f}s", flush=True)
    train.export(net, out)


if __name__ == "__main__":
    a = sys.argv
    main(a[1], a[2], a[3], int(a[4]) if len(a) > 4 else STEPS, int(a[5]) if len(a) > 5 else 4)
