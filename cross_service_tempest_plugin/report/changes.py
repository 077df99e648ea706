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

"""Where a setting changed between two runs of a scenario (trends).

Not a hash of the settings that breaks a trend on any change (Rally's),
and not a silent line either: the trend goes on and the run where a
setting changed is marked with the names of what changed.
"""

# Settings that say where, not how: a change is not worth a mark.
IGNORED = frozenset({'results_dir', 'template_dir'})


def setting_changes(runs):
    """``runs`` in time order → [(index, ['key: old → new', ...]), ...].

    A run without settings (an older result) is neither compared nor
    compared against.
    """
    out, previous = [], None
    for i, run in enumerate(runs):
        settings = getattr(run, 'settings', None)
        if not settings:
            continue
        if previous is not None:
            changed = ['%s: %s → %s' % (key, _short(previous.get(key)),
                                        _short(settings.get(key)))
                       for key in sorted(set(previous) | set(settings))
                       if key not in IGNORED and
                       previous.get(key) != settings.get(key)]
            if changed:
                out.append((i, changed))
        previous = settings
    return out


def _short(value, limit=40):
    text = '-' if value is None else str(value)
    return text if len(text) <= limit else text[:limit - 1] + '…'
