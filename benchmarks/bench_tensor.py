"""course_lib.engine.Tensor against PyTorch (CPU) and against the same step written by hand.

    .venv/bin/pip install torch==2.13.0    # for this benchmark only (make bench does it)
    .venv/bin/python benchmarks/bench_tensor.py

One training step of a two-layer MLP, Linear -> ReLU -> Linear -> mean squared
error -> backward -> SGD update, at four sizes (N, D, H, O), in float32:

    course_lib    nn.TensorMLP and nn.mse on Tensor, loss.backward(), p.data -= lr * p.grad
    torch         torch.nn.Linear, F.mse_loss, loss.backward(), p.add_(p.grad, alpha=-lr)
    numpy         the step by hand in NumPy, as one writes it (no autodiff)
    numpy-tuned   the same by hand with the NumPy idioms the engine uses (bias added in
                  place, np.sign(a) as the ReLU mask, d reused): the limit for an engine on NumPy

The protocol: the same data and the same initial weights for all (course_lib's
seeded Glorot initialisation, copied), data and targets without gradient; one
BLAS thread each (OMP/OPENBLAS/MKL_NUM_THREADS=1, torch.set_num_threads(1));
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed for these processes only; one
process per implementation, size and round, the implementations alternating
in rotated order; medians over all timed steps of all rounds, on two clocks:
each process's CPU time (what it computed; waiting for a CPU that other
programs hold does not count) and the wall clock; every implementation must
produce the same losses, step by step.

Targets (issue 7): course_lib at most 0.75x torch's and at most 1.5x numpy's
step time at every size; its backward at most 2x its forward at medium and large.
"""

import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

SIZES = {"tiny": (32, 4, 16, 3), "small": (64, 64, 128, 10),
         "medium": (256, 256, 512, 10), "large": (1024, 1024, 1024, 10)}
STEPS = {"tiny": 1000, "small": 500, "medium": 60, "large": 12}
IMPLS = ["course_lib", "torch", "numpy", "numpy-tuned"]
# Rounds: more for the small sizes, whose steps are short and most sensitive to other
# programs on the machine; BENCH_ROUNDS=1 makes a quick trial run.
ROUNDS = {"tiny": 15, "small": 15, "medium": 5, "large": 5}
if "BENCH_ROUNDS" in os.environ:
    ROUNDS = dict.fromkeys(SIZES, int(os.environ["BENCH_ROUNDS"]))
WARMUP, LR = 5, 0.01
THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
REMOVED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def problem(size):
    """Data, targets and initial weights, the same for every implementation (float32)."""
    from course_lib import nn

    n, d, h, o = SIZES[size]
    rng = np.random.default_rng(1)
    X = rng.standard_normal((n, d)).astype(np.float32)
    Y = rng.standard_normal((n, o)).astype(np.float32)
    net = nn.TensorMLP([d, h, o], seed=0, dtype=np.float32)
    return X, Y, net


PARTS = ("forward", "backward", "step")
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def timed(steps, forward, backward, update):
    """Run ``steps`` steps after WARMUP; return the times of forward, backward and the
    whole step on both clocks ({"cpu": {part: [...]}, "wall": ...}), and the losses."""
    times = {clock: {part: [] for part in PARTS} for clock in CLOCKS}
    losses = []
    for k in range(WARMUP + steps):
        t0 = [clock() for clock in CLOCKS.values()]
        loss = forward()
        t1 = [clock() for clock in CLOCKS.values()]
        backward(loss)
        t2 = [clock() for clock in CLOCKS.values()]
        update()
        t3 = [clock() for clock in CLOCKS.values()]
        losses.append(loss.item())
        if k >= WARMUP:
            for c, clock in enumerate(CLOCKS):
                times[clock]["forward"].append(t1[c] - t0[c])
                times[clock]["backward"].append(t2[c] - t1[c])
                times[clock]["step"].append(t3[c] - t0[c])
    return times, losses


def run_course_lib(X, Y, net, steps):
    from course_lib import nn
    from course_lib.engine import Tensor

    X, Y = Tensor(X, requires_grad=False), Tensor(Y, requires_grad=False)
    params = net.parameters()

    def backward(loss):
        for p in params:
            p.grad = None
        loss.backward()

    def update():
        for p in params:
            p.data -= LR * p.grad

    return timed(steps, lambda: nn.mse(net(X), Y), backward, update)


def run_torch(X, Y, net, steps):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    (W1, b1), (W2, b2) = [(layer.W.data, layer.b.data) for layer in net.layers]
    model = torch.nn.Sequential(torch.nn.Linear(*W1.shape), torch.nn.ReLU(),
                                torch.nn.Linear(*W2.shape))
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T.copy()))  # torch stores (out, in)
            layer.bias.copy_(torch.from_numpy(b))
    X, Y = torch.from_numpy(X), torch.from_numpy(Y)
    params = list(model.parameters())

    def backward(loss):
        for p in params:
            p.grad = None
        loss.backward()

    def update():
        with torch.no_grad():
            for p in params:
                p.add_(p.grad, alpha=-LR)

    return timed(steps, lambda: F.mse_loss(model(X), Y), backward, update)


def run_numpy(X, Y, net, steps, tuned=False):
    (W1, b1), (W2, b2) = [(layer.W.data.copy(), layer.b.data.copy()) for layer in net.layers]
    cache, grads = {}, {}

    def forward():  # as one writes it
        h = X @ W1 + b1
        a = np.maximum(h, 0)
        d = a @ W2 + b2 - Y
        cache.update(h=h, a=a, d=d)
        return np.mean(d ** 2)

    def backward(loss):
        h, a, d = cache["h"], cache["a"], cache["d"]
        do = 2 * d / d.size
        grads["W2"], grads["b2"] = a.T @ do, do.sum(axis=0)
        dh = (do @ W2.T) * (h > 0)
        grads["W1"], grads["b1"] = X.T @ dh, dh.sum(axis=0)

    def forward_tuned():  # what the engine does: no second (N, H) array, d reused
        h = X @ W1
        h += b1
        a = np.maximum(h, 0)
        o = a @ W2
        o += b2
        d = o - Y
        cache.update(a=a, d=d)
        return (d * d).sum() / d.size

    def backward_tuned(loss):
        a, d = cache["a"], cache["d"]
        do = d * (2 / d.size)
        grads["W2"], grads["b2"] = a.T @ do, do.sum(axis=0)
        dh = (do @ W2.T) * np.sign(a)  # a float mask multiplies faster than a bool one
        grads["W1"], grads["b1"] = X.T @ dh, dh.sum(axis=0)

    def update():
        for p, name in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2")):
            p -= LR * grads[name]

    if tuned:
        return timed(steps, forward_tuned, backward_tuned, update)
    return timed(steps, forward, backward, update)


def child(impl, size):
    """One process: one implementation at one size; prints times and losses as JSON."""
    X, Y, net = problem(size)
    run = {"course_lib": run_course_lib, "torch": run_torch, "numpy": run_numpy,
           "numpy-tuned": lambda *a: run_numpy(*a, tuned=True)}[impl]
    times, losses = run(X, Y, net, STEPS[size])
    print(json.dumps({"times": times, "losses": losses}))


def child_env():
    env = {k: v for k, v in os.environ.items() if k not in REMOVED}
    env.update(dict.fromkeys(THREADS, "1"))
    return env


def main():
    here = {k: os.environ.get(k, "(unset)") for k in REMOVED + THREADS}
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; this shell: {here}")
    print(f"each run: {', '.join(f'{k}=1' for k in THREADS)}, torch.set_num_threads(1), "
          f"{' and '.join(REMOVED)} unset; rounds {ROUNDS}, one process per implementation, "
          f"size and round; load average before: {os.getloadavg()[0]:.2f}", flush=True)
    results = {clock: {size: {impl: {part: [] for part in PARTS} for impl in IMPLS}
                       for size in SIZES} for clock in CLOCKS}
    losses = {size: {} for size in SIZES}
    for r in range(max(ROUNDS.values())):
        for size in [size for size in SIZES if r < ROUNDS[size]]:
            order = IMPLS[r % len(IMPLS):] + IMPLS[:r % len(IMPLS)]  # rotate the order
            for impl in order:
                out = subprocess.run([sys.executable, __file__, impl, size], env=child_env(),
                                     capture_output=True, text=True)
                if out.returncode:
                    sys.exit(f"{impl} at size {size} failed:\n{out.stderr}")
                result = json.loads(out.stdout)
                for clock, parts in result["times"].items():
                    for part, values in parts.items():
                        results[clock][size][impl][part] += values
                losses[size][impl] = result["losses"]
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for size in SIZES:  # the same losses, step by step
        for impl, values in losses[size].items():
            ref = losses[size]["torch"]
            assert np.allclose(values, ref, rtol=1e-4, atol=1e-6), (size, impl, values, ref)
    print(f"losses agree across all four (first step, per size): "
          f"{ {s: round(losses[s]['torch'][0], 6) for s in SIZES} }")
    report(results["cpu"], "CPU time of each process (time.process_time: waiting for the "
                           "CPU on a shared machine does not count)")
    report(results["wall"], "wall-clock time (time.perf_counter)")


def report(results, clock):
    ok = True
    print(f"\n{clock}:\n{'size (N, D, H, O)':26} {'ours ms':>9} {'torch':>9} {'numpy':>9} "
          f"{'tuned':>9} | {'/torch':>6} {'/numpy':>6} {'/tuned':>6} {'bwd/fwd':>7} | "
          f"{'numpy/torch':>11}")
    for size, (n, d, h, o) in SIZES.items():
        med = {impl: {part: statistics.median(v) for part, v in parts.items()}
               for impl, parts in results[size].items()}
        step = {impl: med[impl]["step"] for impl in IMPLS}
        to_torch = step["course_lib"] / step["torch"]
        to_numpy = step["course_lib"] / step["numpy"]
        to_tuned = step["course_lib"] / step["numpy-tuned"]
        bwd_fwd = med["course_lib"]["backward"] / med["course_lib"]["forward"]
        missed = to_torch > 0.75 or to_numpy > 1.5 or (size in ("medium", "large")
                                                        and bwd_fwd > 2)
        ok &= not missed
        ms = " ".join(f"{step[i] * 1000:9.3f}" for i in IMPLS)
        print(f"{size:7} {str((n, d, h, o)):18} {ms} | {to_torch:6.2f} {to_numpy:6.2f} "
              f"{to_tuned:6.2f} {bwd_fwd:7.2f} | {step['numpy'] / step['torch']:11.2f}"
              f"{'  MISSED' if missed else ''}")
    print("(median ms per step; ratios of course_lib's median step time, and its backward "
          "over its forward; numpy/torch: the hand-written step against torch, the limit of "
          "/torch for any engine on NumPy)")
    print("targets: /torch <= 0.75, /numpy <= 1.5 at every size, bwd/fwd <= 2 at medium "
          f"and large: {'all met' if ok else 'MISSED'}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(*sys.argv[1:])
    else:
        main()
