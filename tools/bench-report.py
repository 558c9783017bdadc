#!/usr/bin/env python3
"""Turn the consoles of tools/bench's guests into tables, JSON and a plot.

usage: bench-report.py [--series CONSOLE --v7.3 CONSOLE]
                       [--series-nothp CONSOLE --v7.3-nothp CONSOLE]
                       [--options FILE] --json OUT.json --plot OUT.png

Reads the BENCH lines tools/bench-guest/bench.c printed on each kernel
given, in pairs of the series and Linux 7.3 built the same way: "THP"
(series, v7_3; transparent huge pages on) and "no THP" (series_nothp,
v7_3_nothp), one pair or both.  Prints one table of every kernel and each
pair's ratio 7.3 / series of every figure, then a matrix of the GET_PA
cells (page size, layout, buffer size) with both pairs side by side,
checks the targets of Documentation/performance.rst for each pair, writes
every figure and ratio with its unit, the targets and the matrix to the
JSON file, and plots the cost of translating a buffer against its size
(gnuplot).  Exits 1 when a console lacks figures or a BENCH-CHECK failed
(a GET_PA answer disagreed with pagemap, pins leaked, the scattered layout
took other than a call a page); a missed target is reported in the output
and the JSON, not as a failure.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

KERNELS = ("series", "v7_3", "series_nothp", "v7_3_nothp")
# The series and 7.3 built the same way, and the pair's label.  The THP
# pair's JSON fields and target texts are the ones of the time it was the
# only pair: other scripts read them.
PAIRS = (("series", "v7_3", "THP"), ("series_nothp", "v7_3_nothp", "no THP"))
TITLE = {"series": "series", "v7_3": "7.3", "series_nothp": "series-nothp",
         "v7_3_nothp": "7.3-nothp"}
OPTION = {k: "--" + TITLE[k].replace("7.3", "v7.3") for k in KERNELS}
# The GET_PA cells: buffer, page size, layout, buffer size
CELLS = [(b, page, layout, s) for b, page, layout, sizes in (
    ("2m", "2 MiB", "IOVA picked by iommufd", ("256m", "1024m")),
    ("2m_iovava", "2 MiB", "IOVA = VA", ("256m", "1024m")),
    ("4k", "4 KiB", "IOVA picked by iommufd", ("256m", "1024m")),
    ("4k_iovava", "4 KiB", "IOVA = VA", ("256m", "1024m")),
    ("1g", "1 GiB", "IOVA picked by iommufd", ("1024m",)),
    ("1g_iovava", "1 GiB", "IOVA = VA", ("1024m",)),
    ("2m_scattered", "2 MiB", "scattered", ("256m",)),
) for s in sizes]
UNIT_KEY = {
    "ns/MiB": "ns_per_mib",
    "ns/call": "ns_per_call",
    "ns/area": "ns_per_area",
    "ns/leaf": "ns_per_leaf",
    "ns/4KiB-page": "ns_per_4kib_page",
    "ns/2MiB-page": "ns_per_2mib_page",
    "ns/1GiB-page": "ns_per_1gib_page",
    "calls": "calls",
    "GiB/s": "gib_per_s",
    "KiB/GiB": "kib_per_gib",
}
UNIT_NAME = {v: k for k, v in UNIT_KEY.items()}
# Which way is better, for the table's ratio columns
HIGHER_IS_BETTER = {"gib_per_s"}


def parse(path):
    figures, sweep, info, checks = {}, [], {}, []
    with open(path, errors="replace") as f:
        for line in f:
            w = line.strip().split()
            if not w:
                continue
            if w[0] == "BENCH" and len(w) == 7:
                name, unit = w[1], w[2]
                figures[(name, UNIT_KEY[unit])] = {
                    "median": float(w[3]), "min": float(w[4]),
                    "max": float(w[5]), "runs": int(w[6]), "unit": unit}
            elif w[0] == "BENCH-SWEEP" and len(w) == 9:
                sweep.append({"backing": w[1], "method": w[2],
                              "size_mib": int(w[3]), "median_ns": float(w[5]),
                              "min_ns": float(w[6]), "max_ns": float(w[7])})
            elif w[0] == "BENCH-INFO" and len(w) >= 3:
                info[w[1]] = " ".join(w[2:])
            elif w[0] == "BENCH-CHECK":
                checks.append({"check": w[1], "ok": w[2] == "ok",
                               "detail": " ".join(w[3:])})
    return {"figures": figures, "sweep": sweep, "info": info, "checks": checks}


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.3g" % x


def group_of(name):
    """getpa_2m_1024m -> getpa_2m_1gib; a name without a size stays"""
    size = name.rsplit("_", 1)[-1]
    if not re.fullmatch(r"[0-9]+m", size):
        return name
    mib = int(size[:-1])
    label = "%dgib" % (mib // 1024) if mib % 1024 == 0 else "%dmib" % mib
    return name.rsplit("_", 1)[0] + "_" + label


def ratio(x, y):
    """x / y, None unless both are known and y is not 0"""
    return x / y if x is not None and y else None


def matrix_cells(m, missed):
    """A matrix cell of one pair as text: series and 7.3 ns/MiB, their
    ratio, pagemap ns/MiB, pagemap / GET_PA, map + unmap, the verdict"""
    return [fmt(m["series_ns_per_mib"]), fmt(m["v7_3_ns_per_mib"]),
            fmt(m["ratio_v7_3_over_series"]),
            fmt(m["series_pagemap_batch_ns_per_mib"]),
            fmt(m["ratio_pagemap_batch_over_getpa"]),
            fmt(m["ratio_map_unmap_series_over_v7_3"]),
            {True: "met", False: missed, None: "-"}[m["targets_met"]]]


def write_rst(path, out, pairs, kinfo):
    """The matrix as tables for Documentation/performance.rst, which
    includes the file, one a pair: its figures are this run's, never typed"""
    head = ("page", "layout", "size", "series ns/MiB", "7.3 ns/MiB",
            "7.3 / series", "pagemap / GET_PA", "map+unmap series / 7.3",
            "targets")
    about = out["about"]
    with open(path, "w") as f:
        f.write(".. Written by tools/bench-report.py (make bench, %s); do not "
                "edit.\n" % about["date"])
        for se, v7, label in pairs:
            rows = [list(head)]
            for row in out["matrix"]:
                m = row[label]
                c = matrix_cells(m, "**missed**")
                # Without the pagemap ns/MiB of the text table
                rows.append([row["page"], row["layout"], row["size"],
                             *c[:3], *c[4:]])
            width = [max(len(r[i]) for r in rows) for i in range(len(head))]
            rule = "  ".join("=" * w for w in width) + "\n"
            f.write("\n%s: %s %s and %s %s, medians of %s runs\n\n" % (
                label, TITLE[se], kinfo[se], TITLE[v7], kinfo[v7],
                about["kernels"][se].get("runs", "?")))
            f.write(rule)
            for n, r in enumerate(rows):
                f.write("  ".join(c.ljust(w) for c, w in zip(r, width)).rstrip()
                        + "\n")
                if n == 0:
                    f.write(rule)
            f.write(rule)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for k in KERNELS:
        ap.add_argument(OPTION[k], dest=k, metavar="CONSOLE")
    ap.add_argument("--options")
    ap.add_argument("--json", required=True)
    ap.add_argument("--plot", required=True)
    ap.add_argument("--rst", help="write the matrix as a reStructuredText "
                    "table (Documentation/performance.rst includes it)")
    a = ap.parse_args()
    data = {k: parse(getattr(a, k)) for k in KERNELS if getattr(a, k)}
    pairs = [p for p in PAIRS if p[0] in data or p[1] in data]
    for se, v7, _ in pairs:
        if se not in data or v7 not in data:
            ap.error("%s and %s go together" % (OPTION[se], OPTION[v7]))
    if not pairs:
        ap.error("give --series and --v7.3, --series-nothp and "
                 "--v7.3-nothp, or all four")
    kernels = list(data)
    bad = []
    for k in kernels:
        if not data[k]["figures"]:
            bad.append("no figures from %s" % k)
        bad += ["%s: %s %s" % (k, c["check"], c["detail"])
                for c in data[k]["checks"] if not c["ok"]]

    # Every figure of every kernel, and each pair's ratio 7.3 / series
    out = {"about": {
        "what": "tools/bench: IOMMU_IOAS_NOIOMMU_GET_PA, /proc/self/pagemap "
                "and IOMMU_IOAS_MAP/UNMAP in a QEMU TCG guest; each figure "
                "is the median of its runs, with min and max; ratios are "
                "7.3 / series of the medians, within each pair (THP: "
                "series and v7_3; no THP: series_nothp and v7_3_nothp)",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "units": dict(UNIT_NAME),
        "kernels": {k: data[k]["info"] for k in kernels},
        "checks": {k: data[k]["checks"] for k in kernels},
        "pairs": {label: [se, v7] for se, v7, label in pairs},
    }}
    if a.options and os.path.exists(a.options):
        with open(a.options) as f:
            out["about"]["v7_3_noiommu_options"] = f.read().split()
    rows = []
    # Every figure any kernel printed, in the order they came
    names = list(dict.fromkeys(n for k in kernels for n in data[k]["figures"]))
    for name, unit in names:
        g = out.setdefault(group_of(name), {})
        vals = {}
        for k in kernels:
            f = data[k]["figures"].get((name, unit))
            if not f:
                continue
            vals[k] = f["median"]
            g["%s_%s" % (k, unit)] = f["median"]
            g["%s_%s_min" % (k, unit)] = f["min"]
            g["%s_%s_max" % (k, unit)] = f["max"]
            g["%s_%s_runs" % (k, unit)] = f["runs"]
        ratios = {}
        for se, v7, label in pairs:
            r = ratio(vals.get(v7), vals.get(se))
            if r is not None:
                ratios[label] = g["ratio_%s_over_%s_%s" % (v7, se, unit)] = r
        rows.append((group_of(name), unit, name, ratios))

    def med(k, name, unit):
        f = data[k]["figures"].get((name, unit))
        return f["median"] if f else None

    # Within one kernel: GET_PA against pagemap, the same buffer
    for k in kernels:
        for b, _, _, s in CELLS:
            gp = med(k, "getpa_%s_%s" % (b, s), "ns_per_mib")
            for m in ("pagemap_batch", "pagemap_paged"):
                r = ratio(med(k, "%s_%s_%s" % (m, b, s), "ns_per_mib"), gp)
                if r is not None:
                    g = out.setdefault(group_of("getpa_vs_pagemap_%s_%s" % (b, s)), {})
                    g["%s_ratio_%s_over_getpa_ns_per_mib" % (k, m)] = r

    # What the targets and the matrix judge, per pair and cell
    cell = {}
    for se, v7, label in pairs:
        for b, _, _, s in CELLS:
            c = "%s_%s" % (b, s)
            cell[label, c] = {
                "getpa": med(se, "getpa_" + c, "ns_per_mib"),
                "getpa_v7_3": med(v7, "getpa_" + c, "ns_per_mib"),
                "batch": med(se, "pagemap_batch_" + c, "ns_per_mib"),
                "getpa_page": med(se, "getpa_" + c, "ns_per_4kib_page"),
                "paged_page": med(se, "pagemap_paged_" + c, "ns_per_4kib_page"),
                "map": med(se, "map_unmap_" + c, "gib_per_s"),
                "map_v7_3": med(v7, "map_unmap_" + c, "gib_per_s"),
                "met": [],
            }

    # The targets, on the medians of this one run, for each pair; the THP
    # pair's texts stay as they were, the other's carry its label
    targets = []

    def target(label, c, desc, value, need, ok):
        targets.append({"target": desc if label == "THP" else label + ": " + desc,
                        "value": value, "required": need, "met": bool(ok),
                        "pair": label})
        cell[label, c]["met"].append(bool(ok))

    for _, _, label in pairs:
        for b, page, how, s in CELLS:
            c = "%s_%s" % (b, s)
            f = cell[label, c]
            huge = page != "4 KiB"
            head = "GET_PA, %s pages, %s, %s: " % (page, s, how)
            r = ratio(f["getpa_v7_3"], f["getpa"])
            if huge and r:
                target(label, c, head + "7.3 / series, ns/MiB", r, ">= 100",
                       r >= 100)
            r = ratio(f["batch"], f["getpa"])
            if r:
                target(label, c, head + "batched pagemap / GET_PA, ns/MiB, "
                       "series kernel", r, "> 1" if huge else ">= 1",
                       r > 1 if huge else r >= 1)
        for b, _, _, s in CELLS:
            c = "%s_%s" % (b, s)
            r = ratio(cell[label, c]["map"], cell[label, c]["map_v7_3"])
            if r:
                target(label, c, "IOAS_MAP + IOAS_UNMAP, %s pages, %s: series / "
                       "7.3, GiB/s" % (b.replace("_iovava", ", IOVA = VA"), s),
                       r, ">= 1", r >= 1)
        for b, page, _, s in CELLS:
            c = "%s_%s" % (b, s)
            r = ratio(cell[label, c]["paged_page"], cell[label, c]["getpa_page"])
            if r and page == "4 KiB":
                target(label, c, "GET_PA, 4 KiB pages%s, %s: pagemap page by "
                       "page / GET_PA, ns per 4 KiB page, series kernel"
                       % (", IOVA = VA" if "iovava" in b else "", s),
                       r, ">= 1", r >= 1)
    out["targets"] = targets

    # The matrix: a row a GET_PA cell, its figures for each pair
    matrix = []
    for b, page, how, s in CELLS:
        c = "%s_%s" % (b, s)
        row = {"page": page, "layout": how, "size": s}
        for _, _, label in pairs:
            f = cell[label, c]
            row[label] = {
                "series_ns_per_mib": f["getpa"],
                "v7_3_ns_per_mib": f["getpa_v7_3"],
                "ratio_v7_3_over_series": ratio(f["getpa_v7_3"], f["getpa"]),
                "series_pagemap_batch_ns_per_mib": f["batch"],
                "ratio_pagemap_batch_over_getpa": ratio(f["batch"], f["getpa"]),
                "ratio_map_unmap_series_over_v7_3": ratio(f["map"], f["map_v7_3"]),
                "targets_met": all(f["met"]) if f["met"] else None,
            }
        if any(row[label]["series_ns_per_mib"] is not None for _, _, label in pairs):
            matrix.append(row)
    out["matrix"] = matrix

    # The table
    kinfo = {k: data[k]["info"].get("kernel", "?").split()[0] for k in kernels}
    line = "%-30s %-12s" + " %26s" * len(kernels) + " %15s" * len(pairs)
    print(line % ("figure", "unit", *(TITLE[k] + " " + kinfo[k] for k in kernels),
                  *("%s/ser." % TITLE[v7] for _, v7, _ in pairs)))
    for grp, unit, name, ratios in rows:
        cells = []
        for k in kernels:
            f = data[k]["figures"].get((name, unit))
            cells.append("%s [%s-%s]" % (fmt(f["median"]), fmt(f["min"]),
                                         fmt(f["max"])) if f else "-")
        for _, _, label in pairs:
            r = ratios.get(label)
            better = ""
            if r is not None and unit != "calls":
                good = r < 1 if unit in HIGHER_IS_BETTER else r > 1
                better = " +" if good else (" -" if r != 1 else "")
            cells.append(fmt(r) + better)
        print(line % (grp, UNIT_NAME[unit], *cells))
    print("(median [min-max] of %s runs; 7.3/ser.: ratio of the medians of "
          "7.3 and the series built the same way, '+' where the series is "
          "better)" % " / ".join(data[k]["info"].get("runs", "?")
                                  for k in kernels))
    print()
    print("GET_PA by cell (medians): ns/MiB on the series and on 7.3, their "
          "ratio, ns/MiB of a batched\npagemap read on the series and "
          "pm/GP = that / GET_PA, map = map + unmap series / 7.3 (GiB/s),\n"
          "targets = whether all the cell's targets are met")
    cols = " %9s %9s %8s %9s %8s %5s %7s"
    line = "%-6s %-22s %-5s" + (" |" + cols) * len(pairs)
    print(("%35s" % "" + "".join(" | %-60s" % label for _, _, label in pairs)).rstrip())
    print(line % ("page", "layout", "size", *(
        ("series", "7.3", "7.3/ser.", "pagemap", "pm/GP", "map", "targets")
        * len(pairs))))
    for row in matrix:
        cells = []
        for _, _, label in pairs:
            cells += matrix_cells(row[label], "MISSED")
        print(line % (row["page"], row["layout"], row["size"], *cells))
    print()
    print("within each kernel, per MiB: pagemap / GET_PA")
    for grp in sorted(k for k in out if k.startswith("getpa_vs_pagemap")):
        print("  %-32s %s" % (grp, "  ".join(
            "%s=%s" % (k.replace("_over_getpa_ns_per_mib", ""), fmt(v))
            for k, v in sorted(out[grp].items()))))
    print()
    for t in targets:
        print("%-6s %s: %s (need %s)" % ("MET" if t["met"] else "MISSED",
                                         t["target"], fmt(t["value"]),
                                         t["required"]))
    met = sum(t["met"] for t in targets)
    for b in bad:
        print("ERROR " + b)

    # The plot: microseconds to translate the first S MiB of a mapping
    base = os.path.splitext(a.plot)[0]
    dat = base + ".dat"
    # (kernel, backing, method, title, colour): a colour per way of
    # translating, solid for the series, dashed for 7.3, dotted for pagemap
    series_lines = [
        ("series", "2m_iovava", "getpa", "GET_PA, this series, 2 MiB pages, IOVA = VA", "#1f3fbf"),
        ("v7_3", "2m_iovava", "getpa", "GET_PA, Linux 7.3, 2 MiB pages, IOVA = VA", "#1f3fbf"),
        ("series", "2m", "getpa", "GET_PA, this series, 2 MiB pages, IOVA by iommufd", "#20a0e0"),
        ("v7_3", "2m", "getpa", "GET_PA, Linux 7.3, 2 MiB pages, IOVA by iommufd", "#20a0e0"),
        ("series", "4k", "getpa", "GET_PA, this series, 4 KiB pages", "#e08000"),
        ("v7_3", "4k", "getpa", "GET_PA, Linux 7.3, 4 KiB pages", "#e08000"),
        ("series", "2m", "pagemap_batch", "pagemap, one read, 2 MiB pages", "#d00000"),
        ("series", "2m", "pagemap_paged", "pagemap, a read per 2 MiB page", "#b000b0"),
        ("series", "4k", "pagemap_batch", "pagemap, one read, 4 KiB pages", "#008000"),
        ("series", "4k", "pagemap_paged", "pagemap, a read per 4 KiB page", "#606060"),
        ("series_nothp", "2m", "getpa", "GET_PA, this series without THP, 2 MiB pages, IOVA by iommufd", "#00a090"),
    ]
    blocks = []
    with open(dat, "w") as f:
        for k, b, m, title, colour in series_lines:
            pts = sorted((p["size_mib"], p["median_ns"] / 1000)
                         for p in data.get(k, {"sweep": []})["sweep"]
                         if p["backing"] == b and p["method"] == m)
            if not pts:
                continue
            f.write("# %s\n" % title)
            for x, y in pts:
                f.write("%d %.6g\n" % (x, y))
            f.write("\n\n")
            blocks.append((title, colour))
    out["about"]["plot"] = {"png": os.path.basename(a.plot),
                            "data": os.path.basename(dat),
                            "x": "MiB translated", "y": "microseconds (median)"}
    plot = [
        "set terminal pngcairo size 1100,800 font ',10' noenhanced",
        "set output '%s'" % a.plot,
        "set title 'Cost of translating a mapped buffer to physical "
        "addresses (QEMU TCG guest, median of runs)'",
        "set logscale xy",
        "set xlabel 'buffer size translated (MiB)'",
        "set ylabel 'time for the whole buffer (microseconds)'",
        "set grid",
        "set key outside below maxrows 5 font ',9'",
        "set xrange [1.5:1400]",
        "plot " + ", ".join(
            "'%s' index %d with linespoints lw 2 lc rgb '%s' dt %d title '%s'" % (
                dat, i, c, 2 if "7.3" in t else (3 if "pagemap" in t else 1), t)
            for i, (t, c) in enumerate(blocks)),
    ]
    if blocks:
        subprocess.run(["gnuplot"], input="\n".join(plot), text=True,
                       check=True)

    if a.rst:
        write_rst(a.rst, out, pairs, kinfo)

    with open(a.json, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print()
    print("%d targets met, %d missed; %s, %s" % (
        met, len(targets) - met, a.json, a.plot))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
