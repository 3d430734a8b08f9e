#!/usr/bin/env python3
"""Independent reference values for tests/class_weights_test.cc.

Computes the class weights of the issue's count table with 50-digit decimal arithmetic, straight
from the formulas (not from piikit's code), and prints C++ initializers to paste into the test.
Run: /usr/bin/python3 tests/class_weights_expected.py
"""
from decimal import Decimal, getcontext

getcontext().prec = 50

# label id -> count (O=0, B-X=2i+1, I-X=2i+2 with SURNAME=0, FIRSTNAME=1, EMAIL=4, SSN=13,
# IBAN=21, SECURITYTOKEN=23).
COUNTS = {
    0: 800000,   # O
    3: 25000,    # B-FIRSTNAME
    4: 12000,    # I-FIRSTNAME
    1: 24000,    # B-SURNAME
    2: 10000,    # I-SURNAME
    9: 5000,     # B-EMAIL
    10: 15000,   # I-EMAIL
    27: 1200,    # B-SSN
    28: 3600,    # I-SSN
    43: 800,     # B-IBAN
    44: 4000,    # I-IBAN
    47: 500,     # B-SECURITYTOKEN
    48: 2000,    # I-SECURITYTOKEN
}
N = Decimal(sum(COUNTS.values()))
K = Decimal(len(COUNTS))


def raw(scheme, n, beta=Decimal("0.999")):
    n = Decimal(n)
    if scheme == "inverse":
        return N / (K * n)
    if scheme == "inverse_sqrt":
        return (N / (K * n)).sqrt()
    if scheme == "effective":
        return (1 - beta) / (1 - beta ** int(n))
    return Decimal(1)


def normalized(scheme, **kw):
    entity = {c: raw(scheme, n, **kw) for c, n in COUNTS.items() if c != 0}
    mean = sum(entity.values()) / len(entity)
    return {c: w / mean for c, w in entity.items()}


print(f"// N = {N}, K = {K}")
for scheme, kw in [("inverse", {}), ("inverse_sqrt", {}), ("effective", {}),
                   ("effective", {"beta": Decimal("0.9999")})]:
    print(f"// {scheme} {kw}: raw (before normalization)")
    print("{" + ", ".join(f"{{{c}, {raw(scheme, n, **kw):.17e}}}" for c, n in sorted(COUNTS.items())) + "}")
    print(f"// {scheme} {kw}: normalized entity weights (O = 1.0)")
    print("{" + ", ".join(f"{{{c}, {w:.17e}}}" for c, w in sorted(normalized(scheme, **kw).items())) + "}")
