#!/usr/bin/env python3
"""Turns public FAQs into faqsite test sites under tests/sites/<name>/.

Usage: python3 tests/sites/convert/convert.py MIRROR_ROOT [SITE...]

MIRROR_ROOT holds bare git clones named owner+repo/repo (what the session's `fetch` tool
writes, e.g. /work/.mirror/rust-lang+prev.rust-lang.org/repo); each source is read at the
commit named in SOURCES with `git show COMMIT:PATH`, so a rerun gives the same files.

Rules (the same for every source): one question per leaf heading of the original (or per
article, for a help center whose articles are already one question each); the answer text is
copied unchanged. Only link targets change: a link to a question of the same source points at
that question's .md file, a link to a document outside the converted set points at the
original site's URL. Titles lose the "Q：" prefix some FAQs write; HTML in titles (<code>)
becomes its Markdown.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SITES = os.path.dirname(HERE)

SOURCES = {
    "rust-faq-zh": {
        "repo": "rust-lang+prev.rust-lang.org",
        "github": "rust-lang/prev.rust-lang.org",
        "commit": "3c8d24f62264c5dd1bd8cb4acc29c2fa2bbc678e",
        "path": "zh-CN/faq.md",
        "base": "https://prev.rust-lang.org/zh-CN/",
    },
    "rust-faq-en": {
        "repo": "rust-lang+prev.rust-lang.org",
        "github": "rust-lang/prev.rust-lang.org",
        "commit": "3c8d24f62264c5dd1bd8cb4acc29c2fa2bbc678e",
        "path": "en-US/faq.md",
        "base": "https://prev.rust-lang.org/en-US/",
    },
    "dolphinscheduler-faq-zh": {
        "repo": "apache+dolphinscheduler",
        "github": "apache/dolphinscheduler",
        "commit": "7e0095dca198bfc50c59bbc10b3be5617d7b3229",
        "path": "docs/docs/zh/faq.md",
        "base": "https://github.com/apache/dolphinscheduler/blob/7e0095dca198bfc50c59bbc10b3be5617d7b3229/docs/docs/zh/",
        "root": "https://dolphinscheduler.apache.org",
        # the one image the FAQ links by a relative path (../../img/… from docs/docs/zh/)
        "files": {"docs/img/network/network_config.png": "img/network/network_config.png"},
    },
    "logingov-help-en": {
        "repo": "GSA-TTS+identity-site",
        "github": "GSA-TTS/identity-site",
        "commit": "7bc713b98bef38f5cec7668726013a53d8a53a94",
        "path": "content/_help",
        "root": "https://login.gov",
    },
}


def git(src, mirror, *args):
    gd = os.path.join(mirror, src["repo"], "repo")
    return subprocess.run(["git", "--git-dir", gd, *args], check=True,
                          capture_output=True).stdout.decode("utf-8")


def show(src, mirror, path):
    return git(src, mirror, "show", f"{src['commit']}:{path}")


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def write(path, title, weight, body, description=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    front = [f"title = {toml_str(title)}", f"weight = {weight}"]
    if description:
        front.append(f"description = {toml_str(description)}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("+++\n" + "\n".join(front) + "\n+++\n\n" + body.strip("\n") + "\n")


def html_title(s):
    """<code>x</code> → `x`, entities decoded, whitespace folded."""
    s = re.sub(r"<code>(.*?)</code>", lambda m: "`" + html.unescape(m.group(1)) + "`", s.strip())
    return re.sub(r"\s+", " ", html.unescape(s))


def split_fenced(lines):
    """Yields (line, in_fence) so headings inside ``` blocks are not taken for questions."""
    fence = None
    for line in lines:
        m = re.match(r"^\s*(```+|~~~+)", line)
        if m:
            if fence is None:
                fence = m.group(1)[0] * 3
            elif line.strip().startswith(fence):
                yield line, True
                fence = None
                continue
        yield line, fence is not None


def relink(body, own, base, root=None):
    """Rewrites Markdown link targets: #anchor of a converted question → its file; other
    relative or root-relative targets → the original site's URL."""
    def target(url):
        if url.startswith("#"):
            return own.get(url[1:], url)
        if re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            return url
        if url.startswith("/"):
            return (root or base.rstrip("/")) + url
        return base + url

    def md(m):
        return m.group(1) + target(m.group(2)) + m.group(3)
    return re.sub(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))", md, body)


def rust_faq(name, src, mirror, out):
    text = show(src, mirror, src["path"])
    text = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    # Blocks the original comments out (unanswered questions, a draft answer) are not shown.
    text = re.sub(r"(?m)^<!--.*?-->\n", "", text, flags=re.S)
    chapters, cur, q = [], None, None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m2 = re.match(r'^<h2 id="([^"]+)">(.*)</h2>', line)
        m3 = re.match(r'^<h3><a href="#([^"]+)" name="[^"]+">', line)
        if m2 and m2.group(1) != "toc":
            cur = {"id": m2.group(1), "title": html_title(m2.group(2)), "qs": []}
            chapters.append(cur)
        elif m3:
            title_lines = []
            i += 1
            while not lines[i].startswith("</a></h3>"):
                title_lines.append(lines[i])
                i += 1
            q = {"id": m3.group(1), "title": html_title(" ".join(title_lines)), "body": []}
            cur["qs"].append(q)
        elif q is not None and cur["qs"] and cur["qs"][-1] is q:
            q["body"].append(line)
        i += 1
    own = {}
    for n, ch in enumerate(chapters, 1):
        ch["dir"] = f"{n:02d}-{ch['id']}"
        for q in ch["qs"]:
            own[q["id"]] = f"../{ch['dir']}/{q['id']}.md"
    for n, ch in enumerate(chapters, 1):
        write(os.path.join(out, ch["dir"], "_index.md"), ch["title"], n * 10, "")
        for k, q in enumerate(ch["qs"], 1):
            body = relink("\n".join(q["body"]), own, src["base"])
            write(os.path.join(out, ch["dir"], q["id"] + ".md"), q["title"], k * 10, body)
    return sum(len(c["qs"]) for c in chapters)


def dolphinscheduler_faq(name, src, mirror, out):
    text = show(src, mirror, src["path"])
    qs, q = [], None
    for line, fenced in split_fenced(text.split("\n")):
        m = None if fenced else re.match(r"^##\s+(.*)$", line)
        if m:
            q = {"title": re.sub(r"^Q\s*[:：]\s*", "", m.group(1).strip()), "body": []}
            qs.append(q)
        elif q is not None:
            q["body"].append(line)
    chapter = "01-faq"
    write(os.path.join(out, chapter, "_index.md"), "常见问题", 10, "")
    for k, q in enumerate(qs, 1):
        body = "\n".join(q["body"]).strip()
        body = re.sub(r"\n-{3,}\s*$", "", body)  # the rule the original puts between questions
        body = relink(body, {}, src["base"], src["root"])
        write(os.path.join(out, chapter, f"q{k:02d}.md"), q["title"], k * 10, body)
    return len(qs)


def front_matter(text):
    _, fm, body = text.split("---\n", 2)
    return yaml.safe_load(fm), body


def logingov_help(name, src, mirror, out):
    files = [f for f in git(src, mirror, "ls-tree", "-r", "--name-only", src["commit"],
                            src["path"]).split("\n") if f.endswith("._en.md")]
    settings = yaml.safe_load(show(src, mirror, "_data/en/settings.yml"))
    cats = settings["help_page"]["categories"]
    pages, own = [], {}
    for f in files:
        meta, body = front_matter(show(src, mirror, f))
        cat = f[len(src["path"]) + 1:].split("/")[0]
        slug = os.path.basename(f)[:-len("._en.md")]
        pages.append({"cat": cat, "slug": slug, "meta": meta, "body": body})
        own[meta["permalink"]] = (cat, slug)
    for n, c in enumerate(cats, 1):
        write(os.path.join(out, c["slug"], "_index.md"), c["title"], n * 10, "",
              c["description"])
    for p in pages:
        def link(m):
            url, anchor = m.group(2).split("#", 1) if "#" in m.group(2) else (m.group(2), None)
            hit = own.get(url if url.endswith("/") else url + "/")
            if hit:
                new = f"../{hit[0]}/{hit[1]}.md" + (f"#{anchor}" if anchor else "")
            elif url.startswith("/"):
                new = src["root"] + m.group(2)
            else:
                new = m.group(2)
            return m.group(1) + new + m.group(3)
        body = re.sub(r"(\]\()([^)\s]+)(\))", link, p["body"])
        weight = (int(p["meta"].get("order", 0)) + 1) * 10
        write(os.path.join(out, p["cat"], p["slug"] + ".md"), p["meta"]["title"], weight, body)
    return len(pages) + logingov_partner_faq(src, mirror, out, len(cats) + 1, link)


def slug(title, words=8):
    return "-".join(re.findall(r"[a-z0-9]+", title.lower().replace("’", "").replace("'", ""))[:words])


def logingov_partner_faq(src, mirror, out, n, link):
    """The partners' FAQ keeps its questions in front matter lists (title + Markdown content,
    rendered by the page's layout): one question per list item, the content as YAML gives it."""
    meta, _ = front_matter(show(src, mirror, "content/_partners/faq._en.md"))
    chapter = "partner-faq"
    write(os.path.join(out, chapter, "_index.md"), "Partner FAQ", n * 10, "",
          "Questions from government agencies that want to use Login.gov.")
    k = 0
    for section in ("general", "logistics", "development"):
        for item in meta[f"{section}_accordion"]:
            k += 1
            body = re.sub(r"(\]\()([^)\s]+)(\))", link, item["content"])
            write(os.path.join(out, chapter, slug(item["title"]) + ".md"), item["title"],
                  k * 10, body)
    return k


CONVERTERS = {
    "rust-faq-zh": rust_faq,
    "rust-faq-en": rust_faq,
    "dolphinscheduler-faq-zh": dolphinscheduler_faq,
    "logingov-help-en": logingov_help,
}


def main():
    mirror = sys.argv[1]
    for name in sys.argv[2:] or list(SOURCES):
        src = SOURCES[name]
        out = os.path.join(SITES, name, "content")
        keep = os.path.join(out, "_index.md")
        home = open(keep, encoding="utf-8").read() if os.path.exists(keep) else None
        shutil.rmtree(out, ignore_errors=True)
        n = CONVERTERS[name](name, src, mirror, out)
        for path, dest in src.get("files", {}).items():
            os.makedirs(os.path.dirname(os.path.join(SITES, name, dest)), exist_ok=True)
            gd = os.path.join(mirror, src["repo"], "repo")
            with open(os.path.join(SITES, name, dest), "wb") as f:
                f.write(subprocess.run(["git", "--git-dir", gd, "show", f"{src['commit']}:{path}"],
                                       check=True, capture_output=True).stdout)
        if home is not None:  # the home page is written by hand (source credit), kept
            with open(keep, "w", encoding="utf-8") as f:
                f.write(home)
        print(f"{name}: {n} questions")


if __name__ == "__main__":
    main()
