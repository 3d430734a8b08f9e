#!/usr/bin/python3
"""The same model and training step as bench/train_step_bench.cc, written plainly in PyTorch.

Embedding + learned positions -> nn.TransformerEncoder(nn.TransformerEncoderLayer(norm_first=True,
activation="gelu", dropout=0.1, batch_first=True)) -> LayerNorm -> Linear(53), class-weighted
cross-entropy (ignore_index=-100), clip_grad_norm_(1.0), torch.optim.AdamW with no weight decay on
biases and norms. Default PyTorch settings, run as a user would (/usr/bin/python3, no environment
tuning). The batch, labels and class weights use the same formulas as the C++ program.

Prints one JSON line: {"tokens_per_second": median over repeats, ...}.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {  # d_model, layers, heads, ffn: include/piikit/model_config.h
    "tiny": (128, 2, 4, 512),
    "small": (256, 4, 4, 1024),
    "base": (512, 6, 8, 2048),
}
VOCAB = 8000
NUM_LABELS = 53


class TokenClassifier(nn.Module):
    def __init__(self, d, layers, heads, ffn, max_length=512, dropout=0.1,
                 attention_dropout=None):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d, padding_idx=0)
        self.pos = nn.Parameter(torch.randn(max_length, d) * 0.02)
        self.drop = nn.Dropout(dropout)
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout=dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        if attention_dropout is not None:  # match piikit's attention_dropout setting
            for mod in self.encoder.layers:
                mod.self_attn.dropout = attention_dropout
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, NUM_LABELS)

    def forward(self, ids, mask):
        x = self.drop(self.tok(ids) + self.pos[: ids.shape[1]])
        x = self.encoder(x, src_key_padding_mask=~mask)
        return self.head(self.norm(x))


def make_batch(batch, seq):
    ids, labels = [], []
    for i in range(batch * seq):
        ids.append(4 + (i * 7919 + 13) % (VOCAB - 4))
        r = (i * 104729 + 7) % 100
        labels.append(0 if r < 85 else 1 + (i * 31 + r) % (NUM_LABELS - 1))
    ids = torch.tensor(ids, dtype=torch.long).view(batch, seq)
    labels = torch.tensor(labels, dtype=torch.long).view(batch, seq)
    return ids, torch.ones(batch, seq, dtype=torch.bool), labels


def class_weights():
    return torch.tensor([1.0 if c == 0 else 1.0 + 0.25 * (c % 7) for c in range(NUM_LABELS)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=3.0, help="timed seconds per repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--device", default="cpu", help="cpu or cuda (the loss is read back every step)")
    ap.add_argument("--attention-dropout", type=float, default=None,
                    help="override the attention-probability dropout (default: same as dropout)")
    args = ap.parse_args()

    torch.manual_seed(0)
    model = TokenClassifier(*PRESETS[args.preset], attention_dropout=args.attention_dropout)
    model.to(args.device)
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                             {"params": no_decay, "weight_decay": 0.0}], lr=1e-3)
    ids, mask, labels = (t.to(args.device) for t in make_batch(args.batch, args.seq))
    weights = class_weights().to(args.device)

    def step():
        opt.zero_grad()
        logits = model(ids, mask)
        # piikit's "mean": weighted sum over valid tokens / number of valid tokens.
        loss = F.cross_entropy(logits.reshape(-1, NUM_LABELS), labels.reshape(-1), weight=weights,
                               ignore_index=-100, reduction="sum") / (labels != -100).sum()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(3):
        step()
    rates = []
    loss = 0.0
    for _ in range(args.repeats):
        steps, start = 0, time.perf_counter()
        while True:
            loss = step()
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= args.seconds:
                break
        rates.append(steps * args.batch * args.seq / elapsed)
    print(json.dumps({
        "preset": args.preset, "batch": args.batch, "seq": args.seq,
        "tokens_per_second": statistics.median(rates), "all": rates,
        "torch": torch.__version__, "device": args.device, "threads": torch.get_num_threads(), "loss": loss,
        "params": sum(p.numel() for p in model.parameters()),
    }))


if __name__ == "__main__":
    main()
