#!/usr/bin/python3
"""Python PyTorch's forward pass alone, for the model piikit detects with (bench/detect_bench.cc).

The model is the architecture of src/model.cc written plainly in PyTorch: token embedding +
learned positions -> nn.TransformerEncoder(nn.TransformerEncoderLayer(norm_first=True,
activation="gelu", batch_first=True)) -> LayerNorm -> Linear(53). Its weights are read from the
same model directory (model.pt, a TorchScript archive of named tensors written by save_model), so
both sides run the same model; the logits of the latency input are compared with piikit's.

In eval mode under torch.inference_mode(), nn.TransformerEncoderLayer takes PyTorch's fused
"fast path" (torch._transformer_encoder_layer_fwd), the fastest stock inference PyTorch offers.
Only the forward pass is timed: the token ids are piikit's own (batches.txt, latency64.txt written
by detect_bench --export), tensors are built before the clock starts, and no decoding follows.

Prints one JSON line.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn

NUM_LABELS = 53


def read_toml_ints(path):
    cfg = {}
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, value = (s.strip() for s in line.split("=", 1))
            cfg[key] = value.strip('"')
    return cfg


class TokenClassifier(nn.Module):
    def __init__(self, vocab, d, layers, heads, ffn, max_length):
        super().__init__()
        self.tok = nn.Embedding(vocab, d, padding_idx=0)
        self.pos = nn.Parameter(torch.zeros(max_length, d))
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, NUM_LABELS)

    def forward(self, ids, mask):
        x = self.tok(ids) + self.pos[: ids.shape[1]]
        x = self.encoder(x, src_key_padding_mask=~mask)
        return self.head(self.norm(x))


def load_piikit_weights(model, model_dir, layers):
    archive = torch.jit.load(os.path.join(model_dir, "model.pt"), map_location="cpu")
    stored = {}
    for name, value in list(archive.named_parameters()) + list(archive.named_buffers()):
        stored[name] = value.detach()
    mapping = {"tok.weight": "token_embedding.weight", "pos": "position_embedding",
               "norm.weight": "final_norm.weight", "norm.bias": "final_norm.bias",
               "head.weight": "pii_head.weight", "head.bias": "pii_head.bias"}
    for i in range(layers):
        ours, theirs = f"encoder.layers.{i}.", f"layer{i}."
        for a, b in [("self_attn.in_proj_weight", "qkv.weight"), ("self_attn.in_proj_bias", "qkv.bias"),
                     ("self_attn.out_proj.weight", "out.weight"), ("self_attn.out_proj.bias", "out.bias"),
                     ("linear1.weight", "ffn1.weight"), ("linear1.bias", "ffn1.bias"),
                     ("linear2.weight", "ffn2.weight"), ("linear2.bias", "ffn2.bias"),
                     ("norm1.weight", "norm1.weight"), ("norm1.bias", "norm1.bias"),
                     ("norm2.weight", "norm2.weight"), ("norm2.bias", "norm2.bias")]:
            mapping[ours + a] = theirs + b
    state = model.state_dict()
    missing = [theirs for theirs in mapping.values() if theirs not in stored]
    if missing:
        raise SystemExit(f"{model_dir}/model.pt: missing tensors {missing[:5]} (keys: "
                         f"{sorted(stored)[:8]}...)")
    for ours, theirs in mapping.items():
        if state[ours].shape != stored[theirs].shape:
            raise SystemExit(f"{theirs}: shape {tuple(stored[theirs].shape)} vs "
                             f"{tuple(state[ours].shape)}")
        state[ours] = stored[theirs]
    model.load_state_dict(state)


def padded(windows):
    T = max(len(w) for w in windows)
    ids = torch.zeros(len(windows), T, dtype=torch.long)
    mask = torch.zeros(len(windows), T, dtype=torch.bool)
    for b, w in enumerate(windows):
        ids[b, : len(w)] = torch.tensor(w)
        mask[b, : len(w)] = True
    return ids, mask


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--export", required=True, help="directory written by detect_bench --export")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = PyTorch default)")
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds, throughput")
    ap.add_argument("--latency-runs", type=int, default=2000)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)

    cfg = read_toml_ints(os.path.join(args.model, "model.toml"))
    if cfg.get("char_cnn", "false") == "true":
        raise SystemExit("detect_bench.py: char-CNN models are not mirrored here")
    layers = int(cfg["num_layers"])
    model = TokenClassifier(int(cfg["vocab_size"]), int(cfg["d_model"]), layers,
                            int(cfg["num_heads"]), int(cfg["ffn_dim"]), int(cfg["max_length"]))
    load_piikit_weights(model, args.model, layers)
    model.eval()

    batches, texts_tokens = [], 0
    for line in open(os.path.join(args.export, "batches.txt")):
        windows = [[int(t) for t in w.split()] for w in line.strip().split("|")]
        texts_tokens += sum(len(w) - 2 for w in windows)  # text tokens, as piikit counts them
        batches.append(padded(windows))
    num_texts = int(open(os.path.join(args.export, "num_texts.txt")).read())
    lat_ids = torch.tensor([[int(t) for t in open(os.path.join(args.export, "latency64.txt")).read().split()]])
    lat_mask = torch.ones_like(lat_ids, dtype=torch.bool)

    with torch.inference_mode():
        # Parity with piikit on the latency input.
        ref = torch.tensor([[float(x) for x in line.split()]
                            for line in open(os.path.join(args.export, "latency64_logits.txt"))])
        maxdiff = (model(lat_ids, lat_mask)[0] - ref).abs().max().item()

        for ids, mask in batches[:3]:
            model(ids, mask)
        passes, start = 0, time.perf_counter()
        while True:
            for ids, mask in batches:
                model(ids, mask)
            passes += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.seconds:
                break

        for _ in range(20):
            model(lat_ids, lat_mask)
        ms = []
        for _ in range(args.latency_runs):
            t0 = time.perf_counter()
            model(lat_ids, lat_mask)
            ms.append((time.perf_counter() - t0) * 1e3)
    ms.sort()
    pct = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
    print(json.dumps({
        "threads": torch.get_num_threads(), "torch": torch.__version__,
        "texts_per_s": passes * num_texts / elapsed, "tokens_per_s": passes * texts_tokens / elapsed,
        "p50_ms": pct(0.5), "p99_ms": pct(0.99), "logits_maxdiff": maxdiff,
        "latency_tokens": lat_ids.shape[1],
    }))


if __name__ == "__main__":
    main()
