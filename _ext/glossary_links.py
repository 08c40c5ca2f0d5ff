"""glossary_links: a chapter's link to a glossary term is the term's cross-reference in the book.

The chapters write ``[outlets](../glossary.md#term-outlet)`` (``lessons.glossary``), which
JupyterLab shows as a plain link to ``glossary.md``. myst-parser would make it a link to the
glossary page with an anchor it cannot check. This post-transform runs before myst-parser's
resolver and turns each such link into a ``std:term`` cross-reference to the term whose
``lessons.glossary.anchor`` is the link's anchor, as a ``{term}`` role makes: the same link,
classes and hover, and a build error (``-n -W``) when no glossary term has that anchor.
"""

from __future__ import annotations

from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from lessons.glossary import GLOSSARY_DOC, PREFIX, anchor


class GlossaryLinks(SphinxPostTransform):
    default_priority = 5  # before myst-parser's resolver (9) and Sphinx's (10)

    def run(self, **kwargs) -> None:
        std = self.env.get_domain("std")
        by_anchor = {anchor(name): name for (kind, name) in std.objects if kind == "term"}
        for node in self.document.findall(addnodes.pending_xref):
            if not (node.get("reftype") == "myst" and node.get("refdomain") == "doc"
                    and node.get("reftarget") == GLOSSARY_DOC
                    and str(node.get("reftargetid", "")).startswith(PREFIX)):
                continue
            wanted = node["reftargetid"]
            node["refdomain"], node["reftype"], node["refwarn"] = "std", "term", True
            node["reftarget"] = by_anchor.get(wanted, wanted)  # unknown: Sphinx reports it
            node["refexplicit"] = True
            del node["reftargetid"]
            if len(node) and hasattr(node[0], "get"):
                node[0]["classes"] = ["xref", "std", "std-term"]


def setup(app: Sphinx) -> dict:
    app.add_post_transform(GlossaryLinks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
