"""A pull request's changed files, generated on demand from its sub-seed.

The files add up to the PR's own numbers: as many as `changed_files`, with `additions` and `deletions`
summing to the PR's. Paths follow the repository's language (Go `internal/...`, TypeScript `src/components`,
Python `app/...`, Terraform `modules/...`) and the PR's kind (fixes touch source and tests, chores config and
docs, dependency updates the manifest and lock files). A revert's files mirror the reverted PR's. Patches are
real unified-diff hunks whose `+`/`-` lines match the counts; binary files, pure renames and very large diffs
have none, as on GitHub.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator

from dexxy_sandbox.org import path_vocabulary as paths
from dexxy_sandbox.org.github_ids import stable_sha
from dexxy_sandbox.org.model import ChangedFile, PullRequest, Repository, SyntheticOrg

FILES_LIST_CAP = 3000  # GET /pulls/{n}/files never lists more, whatever `changed_files` says
PATCH_LINE_LIMIT = 1500  # larger diffs come without a `patch`, as GitHub omits them
_SALT = 0xF11E_5EED
_LINE_STYLE_ALIASES = {
    ".yaml": ".yml", ".tfvars": ".tf", ".hcl": ".tf", ".kts": ".kt", ".swift": ".kt", ".rego": ".tf",
    ".snap": ".ts", ".lock": ".txt", ".toml": ".yml", ".cfg": ".yml", ".mod": ".txt", ".sum": ".txt",
    ".xml": ".json", ".svg": ".json", ".css": ".json",
}  # fmt: skip


def generate_files(org: SyntheticOrg, pr: PullRequest) -> tuple[ChangedFile, ...]:
    """All changed files of `pr`, in the order GitHub lists them (by path)."""
    repo = org.repository(pr.repo)
    assert repo is not None
    if pr.kind == "revert" and pr.reverts_number is not None:
        original = org.pull(pr.repo, pr.reverts_number)
        totals = (original.additions, original.deletions, original.changed_files) if original else None
        if original is not None and totals == (pr.deletions, pr.additions, pr.changed_files):
            return tuple(_mirror(pr, f) for f in org.files(original))
    rng = random.Random(pr.commit_plan.seed ^ _SALT)
    if pr.kind == "dependency":
        names = list(paths.DEPENDENCY_FILES.get(repo.dependency_ecosystem, ("dependencies.txt",)))
        chosen = names[: max(1, min(pr.changed_files, len(names)))]
        while len(chosen) < pr.changed_files:
            chosen.append(f"vendor/{len(chosen)}/{names[0]}")
        statuses = ["modified"] * len(chosen)
        weights = [1.0] + [rng.uniform(3.0, 12.0) for _ in chosen[1:]]  # lock files carry most lines
    else:
        chosen, statuses = _paths_and_statuses(rng, repo, pr)
        weights = [rng.lognormvariate(0.0, 1.0) for _ in chosen]
    if all(path.endswith(paths.BINARY_EXTENSIONS) for path in chosen):
        chosen[0] = chosen[0].rsplit(".", 1)[0] + ".svg"  # some file must carry the lines
    statuses, counts = _counts(statuses, chosen, pr.additions, pr.deletions, weights)
    files = []
    for index, (filename, status, (adds, dels)) in enumerate(zip(chosen, statuses, counts, strict=True)):
        previous = _renamed_from(rng, filename) if status == "renamed" else None
        files.append(_changed_file(pr, filename, status, adds, dels, previous, index))
    return tuple(sorted(files, key=lambda f: f.filename))


def _changed_file(
    pr: PullRequest, filename: str, status: str, adds: int, dels: int, previous: str | None, index: int
) -> ChangedFile:
    seed = pr.commit_plan.seed
    binary = filename.endswith(paths.BINARY_EXTENSIONS)
    patch = None
    if not binary and 0 < adds + dels <= PATCH_LINE_LIMIT:
        patch = render_patch(zlib.crc32(f"{seed}/{filename}".encode()), filename, status, adds, dels)
    return ChangedFile(
        filename=filename,
        status=status,
        additions=adds,
        deletions=dels,
        blob_sha=stable_sha("blob", seed, index, filename),
        patch=patch,
        previous_filename=previous,
    )


def _mirror(pr: PullRequest, original: ChangedFile) -> ChangedFile:
    """The same file in a revert: additions and deletions swap, and so do added and removed."""
    status = {"added": "removed", "removed": "added"}.get(original.status, original.status)
    filename, previous = original.filename, original.previous_filename
    if status == "renamed" and previous:
        filename, previous = previous, filename
    patch = None
    if original.patch is not None:
        patch = render_patch(
            zlib.crc32(f"{pr.commit_plan.seed}/{filename}".encode()),
            filename,
            status,
            original.deletions,
            original.additions,
        )
    return ChangedFile(
        filename=filename,
        status=status,
        additions=original.deletions,
        deletions=original.additions,
        blob_sha=stable_sha("blob", pr.commit_plan.seed, filename),
        patch=patch,
        previous_filename=previous,
    )


def _fill(template: str, rng: random.Random, module: str, repo: Repository) -> str:
    stem = rng.choice(paths.STEMS)
    singular = module[:-1] if module.endswith("s") else module
    return template.format(
        pkg=module,
        Pkg=singular.capitalize(),
        name=stem,
        Comp=singular.capitalize() + rng.choice(paths.COMPONENT_SUFFIXES),
        env=rng.choice(paths.ENVIRONMENTS),
        wf=rng.choice(paths.WORKFLOWS),
        n=rng.randint(1, 240),
        repo=repo.name,
    )


def _paths_and_statuses(rng: random.Random, repo: Repository, pr: PullRequest) -> tuple[list[str], list[str]]:
    """`changed_files` distinct paths, mostly in one or two modules, and a status for each."""
    layout = paths.LAYOUTS.get(repo.language, paths.LAYOUTS["Python"])
    weights = paths.CATEGORY_WEIGHTS.get(pr.kind, paths.CATEGORY_WEIGHTS["feature"])
    categories = [c for c in weights if weights[c] > 0]
    modules = [rng.choice(paths.MODULES) for _ in range(2)]
    chosen: list[str] = []
    statuses: list[str] = []
    seen: set[str] = set()
    while len(chosen) < pr.changed_files:
        category = rng.choices(categories, weights=[weights[c] for c in categories])[0]
        module = modules[0] if rng.random() < 0.75 else modules[1]
        path = _fill(rng.choice(layout[category]), rng, module, repo)
        if path in seen:  # a small PR reuses few templates; a big one spreads over more modules
            path = _fill(rng.choice(layout[category]), rng, rng.choice(paths.MODULES), repo)
            if path in seen:
                stem, dot, ext = path.rpartition(".")
                path = f"{stem}_{len(chosen)}.{ext}" if dot else f"{path}_{len(chosen)}"
        seen.add(path)
        chosen.append(path)
        statuses.append(_status(rng, pr.kind, category))
    return chosen, statuses


def _status(rng: random.Random, kind: str, category: str) -> str:
    if category == "data" and rng.random() < 0.8:
        return "added"  # migrations and fixtures are new files
    added, removed, renamed = {
        "feature": (0.3, 0.02, 0.03),
        "fix": (0.1, 0.02, 0.02),
        "chore": (0.08, 0.1, 0.12),
        "hotfix": (0.02, 0.0, 0.0),
    }.get(kind, (0.1, 0.02, 0.02))
    if category == "test" and kind == "feature":
        added = 0.5
    draw = rng.random()
    if draw < added:
        return "added"
    if draw < added + removed:
        return "removed"
    if draw < added + removed + renamed:
        return "renamed"
    return "modified"


def _counts(
    statuses: list[str], chosen: list[str], additions: int, deletions: int, weights: list[float]
) -> tuple[list[str], list[tuple[int, int]]]:
    """Statuses and (additions, deletions) per file that add up to the totals exactly.

    An added file needs an addition, a removed one a deletion, a modified one a change; when the totals
    cannot cover every file, the extra ones become pure renames (0 changes), as binary files are."""
    result = list(statuses)
    zero = {i for i, path in enumerate(chosen) if path.endswith(paths.BINARY_EXTENSIONS)}
    live = [i for i in range(len(result)) if i not in zero]
    for i in [i for i in live if result[i] == "added"][additions:]:
        result[i] = "modified"
    for i in [i for i in live if result[i] == "removed"][deletions:]:
        result[i] = "modified"
    n_added = sum(1 for i in live if result[i] == "added")
    n_removed = sum(1 for i in live if result[i] == "removed")
    needs_change = [i for i in live if result[i] in ("modified", "renamed")]
    for i in needs_change[max(additions - n_added + deletions - n_removed, 0) :]:
        result[i] = "renamed"
        zero.add(i)
    live = [i for i in live if i not in zero]
    if additions and not any(result[i] != "removed" for i in live):
        result[live[0]] = "modified"  # additions need a file that can take them
    if deletions and not any(result[i] != "added" for i in live):
        result[live[0]] = "modified"
    adds, dels = [0] * len(result), [0] * len(result)
    left_adds = additions - sum(1 for i in live if result[i] == "added")
    left_dels = deletions - sum(1 for i in live if result[i] == "removed")
    for i in live:
        if result[i] == "added":
            adds[i] = 1
        elif result[i] == "removed":
            dels[i] = 1
        elif left_adds > 0:
            adds[i], left_adds = 1, left_adds - 1
        else:
            dels[i], left_dels = 1, left_dels - 1
    can_add = [i for i in live if result[i] != "removed"]
    can_delete = [i for i in live if result[i] != "added"]
    for i, extra in zip(can_add, _split(left_adds, [weights[i] for i in can_add]), strict=True):
        adds[i] += extra
    for i, extra in zip(can_delete, _split(left_dels, [weights[i] for i in can_delete]), strict=True):
        dels[i] += extra
    return result, list(zip(adds, dels, strict=True))


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders get the leftover units)."""
    if not weights:
        return []
    scale = sum(weights) or 1.0
    exact = [total * w / scale for w in weights]
    shares = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _renamed_from(rng: random.Random, filename: str) -> str:
    folder, _, base = filename.rpartition("/")
    if folder and rng.random() < 0.5:
        return f"{folder.rsplit('/', 1)[0]}/legacy/{base}" if "/" in folder else f"legacy/{base}"
    stem, dot, ext = base.rpartition(".")
    old = f"{stem}_old.{ext}" if dot else f"{base}_old"
    return f"{folder}/{old}" if folder else old


# ----- patches -----
def _extension(filename: str) -> str:
    base = filename.rsplit("/", 1)[-1]
    ext = "." + base.rsplit(".", 1)[-1] if "." in base else ""
    return _LINE_STYLE_ALIASES.get(ext, ext)


def _code_lines(rng: random.Random, filename: str) -> Iterator[str]:
    styles = paths.CODE_LINES.get(_extension(filename), paths.CODE_LINES[".yml"])
    while True:
        a, b = rng.choice(paths.CODE_WORDS), rng.choice(paths.CODE_WORDS)
        phrase = rng.choice(paths.CODE_PHRASES)
        yield rng.choice(styles).format(
            a=a,
            b=b,
            A=a.capitalize(),
            s=phrase,
            S=phrase.capitalize(),
            n=rng.randint(1, 9),
            m=rng.randint(0, 30),
        )


def render_patch(seed: int, filename: str, status: str, additions: int, deletions: int) -> str:
    """Unified-diff hunks with exactly `additions` `+` lines and `deletions` `-` lines."""
    rng = random.Random(seed)
    lines = _code_lines(rng, filename)
    if status == "added":
        body = [f"+{next(lines)}" for _ in range(additions)]
        return "\n".join([f"@@ -0,0 +1,{additions} @@", *body])
    if status == "removed":
        body = [f"-{next(lines)}" for _ in range(deletions)]
        return "\n".join([f"@@ -1,{deletions} +0,0 @@", *body])
    hunks = max(1, min(8, (additions + deletions) // 60 + 1))
    add_parts, del_parts = _split(additions, [1.0] * hunks), _split(deletions, [1.0] * hunks)
    out: list[str] = []
    old_line = new_line = rng.randint(1, 120)
    for adds, dels in zip(add_parts, del_parts, strict=True):
        if not adds and not dels:
            continue
        before = min(3, old_line - 1)
        context_before = [f" {next(lines)}" for _ in range(before)]
        context_after = [f" {next(lines)}" for _ in range(3)]
        old_start, new_start = old_line - before, new_line - before
        old_len, new_len = before + dels + 3, before + adds + 3
        out.append(f"@@ -{old_start},{old_len} +{new_start},{new_len} @@ {next(lines).strip()[:40]}".rstrip())
        out += context_before
        out += [f"-{next(lines)}" for _ in range(dels)]
        out += [f"+{next(lines)}" for _ in range(adds)]
        out += context_after
        gap = rng.randint(8, 80)
        old_line, new_line = old_start + old_len + gap, new_start + new_len + gap
    return "\n".join(out)
