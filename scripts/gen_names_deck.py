#!/usr/bin/env python3
"""A deck of N small cards named for the outlines of names: dotted file names
(`a07.k3.x2.md`, depth up to 8, middle levels often missing, a tenth in subfolders) or
the same names as folders (`a07/k3/x2.md`). Usage: gen_names.py N DIR dotted|folders"""
import os, random, sys
n, root, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = random.Random(7)
fan = [40, 8, 6, 5, 4, 4, 3, 3, 3]
names = set()
while len(names) < n:
    depth = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8])
    parts = [f"{'abcdefghij'[k % 10]}{rng.randrange(fan[k]):02d}" for k in range(depth + 1)]
    folder = f"f{rng.randrange(5)}/" if mode == "dotted" and rng.random() < 0.1 else ""
    names.add(folder + ("." if mode == "dotted" else "/").join(parts))
for i, name in enumerate(sorted(names)):
    path = os.path.join(root, name + ".md")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    status = "todo" if i % 3 == 0 else "done"
    with open(path, "w") as f:
        f.write(f"---\ntitle: Card {i}\nstatus: {status}\n---\nBody of card {i}.\n")
os.makedirs(os.path.join(root, ".termdex"), exist_ok=True)
with open(os.path.join(root, ".termdex", "config.toml"), "w") as f:
    f.write(f'[outline]\nsource = "{mode}"\n')
