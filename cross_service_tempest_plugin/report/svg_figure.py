# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Matplotlib figures → inline SVG text (the report's plots share this).

Text stays text, no metadata, a fixed hash salt per figure (the same data
gives the same page) and ``<title>`` tooltips on tagged groups.
"""

import html
import io
import re

import matplotlib

COLOURS = {'passed': ('#2e7d32', '#66bb6a'), 'failed': ('#c62828',) * 2,
           'interrupted': ('#ef6c00',) * 2, 'skipped': ('#9e9e9e',) * 2}
SERIES = ['#1565c0', '#6a1b9a', '#00838f', '#ef6c00', '#558b2f',
          '#ad1457', '#4e342e', '#283593', '#f9a825', '#37474f']

matplotlib.rcParams.update({
    'svg.fonttype': 'none',     # text stays text (small, searchable)
    'font.family': 'sans-serif',
    'font.size': 9,
    'axes.spines.top': False,
    'axes.spines.right': False,
    # names are data, never mathtext: a step named "$x$" (or with one $)
    # made matplotlib's parser raise (issue 22 #8)
    'text.parse_math': False,
})


def to_svg(fig, salt, tips):
    """Figure → inline <svg> text, with <title> tooltips on tagged groups."""
    matplotlib.rcParams['svg.hashsalt'] = salt
    buf = io.StringIO()
    fig.savefig(buf, format='svg', metadata={'Date': None},
                bbox_inches='tight')
    text = buf.getvalue()
    text = text[text.index('<svg'):]
    # The RDF metadata only names matplotlib (with its web address).
    text = re.sub(r'\s*<metadata>.*?</metadata>', '', text, flags=re.S)

    def add_title(match):
        tip = tips.get(match.group(1))
        if tip is None:
            return match.group(0)
        return '%s<title>%s</title>' % (match.group(0), html.escape(tip))
    text = re.sub(r'<g id="(tip-[^"]+)"[^>]*>', add_title, text)
    return _own_ids(text, salt)


def _own_ids(text, salt):
    """Prefix each id of one figure (and its references) with the salt.

    Several figures inline in one page had the same
    ``axes_1``, ``patch_3``... and marker ids, and a ``url(#id)`` or
    ``href="#id"`` may pick another figure's element.
    """
    prefix = re.sub(r'[^A-Za-z0-9_-]+', '-', salt)
    ids = set(re.findall(r'\bid="([^"]+)"', text))

    def own(match):
        name = match.group(2)
        if name not in ids:
            return match.group(0)
        return '%s%s--%s%s' % (match.group(1), prefix, name, match.group(3))
    text = re.sub(r'(\bid=")([^"]+)(")', own, text)
    return re.sub(r'((?:href="|url\()#)([^")]+)([")])', own, text)
