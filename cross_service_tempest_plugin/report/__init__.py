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

"""The HTML report of scenario runs (optional extra ``[report]``).

Data preparation (:mod:`.results`, :mod:`.stats`, :mod:`.propagation`,
:mod:`.failures`, :mod:`.baseline`, the thresholds evaluated by
:mod:`.sla`, :mod:`.subunit_stream`; :mod:`.model` puts it together) is plain
Python; only :mod:`.render` (Jinja2, the page; its templates, one per
section, under ``templates/``) and the plots it draws (``plot_*`` over
:mod:`.svg_figure`: matplotlib, static SVG inlined into the page) need the
extra: the page works offline.
"""

import importlib.util

EXTRA = 'report'
EXTRA_MODULES = ('jinja2', 'matplotlib')
INSTALL_HINT = ("pip install 'cross-service-tempest-plugin[%s]' (or, in a "
                "checkout, pip install -e '.[%s]')" % (EXTRA, EXTRA))


def _importable(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing_modules():
    """Names of the extra's modules that are not importable."""
    return [m for m in EXTRA_MODULES if not _importable(m)]
