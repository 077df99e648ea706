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


"""``{placeholders}`` in definitions, and a run's overrides (``--set``)."""

import string

import yaml

from cross_service_tempest_plugin.scenarios.errors import ScenarioError


class _Strict(dict):
    def __init__(self, values, where):
        super().__init__(values)
        self.where = where

    def __missing__(self, key):
        raise ScenarioError('%s: no value for {%s} (known: %s)'
                            % (self.where, key, ', '.join(sorted(self))))


_FORMATTER = string.Formatter()


def render(value, values, where):
    """Fill ``{placeholders}`` in strings (recursively in lists/dicts).

    A string that is exactly one placeholder keeps the value's type.
    """
    if isinstance(value, str):
        parsed = list(_FORMATTER.parse(value))
        if (len(parsed) == 1 and parsed[0][0] == '' and parsed[0][1] and
                not parsed[0][2] and not parsed[0][3]):
            key = parsed[0][1]
            if key not in values:
                _Strict(values, where).__missing__(key)
            return values[key]
        try:
            return value.format_map(_Strict(values, where))
        except (ValueError, IndexError, AttributeError) as exc:
            raise ScenarioError('%s: bad placeholder in %r: %s'
                                % (where, value, exc))
    if isinstance(value, list):
        return [render(v, values, '%s[%d]' % (where, i))
                for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: render(v, values, '%s.%s' % (where, k))
                for k, v in value.items()}
    return value


def parse_override(text, origin='--set'):
    """``key=value`` (value parsed as YAML scalar) → (key, value)."""
    key, sep, raw = text.partition('=')
    key = key.strip()
    if not sep or not key:
        raise ScenarioError('%s: bad override %r: expected KEY=VALUE'
                            % (origin, text))
    try:
        value = yaml.safe_load(raw) if raw.strip() else ''
    except yaml.YAMLError:
        value = raw
    if isinstance(value, (dict, list)):
        value = raw
    return key, value


class Overrides(dict):
    """A run's overrides, knowing where each came from (for errors)."""

    def __init__(self, values=(), origin='overrides'):
        super().__init__(values)
        self.origin = origin
        self.texts = {}         # key → the KEY=VALUE text it came from

    @classmethod
    def parse(cls, texts, origin='--set'):
        """``KEY=VALUE`` texts (later ones win) → Overrides."""
        over = cls(origin=origin)
        for text in texts:
            key, value = parse_override(text, origin)
            over[key] = value
            over.texts[key] = text
        return over

    @classmethod
    def of(cls, overrides):
        """An API argument (None or a mapping) → Overrides."""
        if isinstance(overrides, cls):
            return overrides
        if overrides is None:
            return cls()
        if isinstance(overrides, str) or not hasattr(overrides, 'items'):
            raise ScenarioError(
                'overrides must be a mapping {key: value}, e.g. '
                "overrides={'dns_name': 'web'}; got %s %r"
                % (type(overrides).__name__, overrides))
        bad = [k for k in overrides if not isinstance(k, str)]
        if bad:
            raise ScenarioError('overrides: keys must be strings; got %r'
                                % bad[0])
        return cls(overrides)

    def where(self, key):
        """``--set k=v`` or ``overrides['k']``: where ``key`` was set."""
        if key in self.texts:
            return '%s %s' % (self.origin, self.texts[key])
        return '%s[%r]' % (self.origin, key)
