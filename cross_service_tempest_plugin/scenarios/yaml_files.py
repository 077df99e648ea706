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


"""Reading the YAML input files: UTF-8 text, unique keys, bounded."""

import os

import yaml

from cross_service_tempest_plugin.scenarios.errors import ScenarioError


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:       # unhashable: construct_mapping says so
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, 'duplicate key %r (YAML would keep only the '
                    'last one)' % (key,), key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_text(path, what, expected='a YAML file'):
    """The UTF-8 text of ``path``; ScenarioError saying why not."""
    if os.path.isdir(path):
        raise ScenarioError('%s %s: is a directory, not a file'
                            % (what, path))
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as exc:
        raise ScenarioError('%s %s: cannot be read: %s'
                            % (what, path, exc.strerror or exc))
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            '%s %s: not UTF-8 text (byte 0x%02x at offset %d); expected %s'
            % (what, path, raw[exc.start], exc.start, expected))
    if '\x00' in text:
        raise ScenarioError('%s %s: binary data (NUL byte at offset %d); '
                            'expected %s' % (what, path, text.index('\x00'),
                                             expected))
    return text


def load_yaml_file(path, what='scenario file'):
    """The data of a YAML file (UTF-8, unique keys) or ScenarioError."""
    text = read_text(path, what)
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        raise ScenarioError('%s %s: not valid YAML: %s'
                            % (what, path, exc))


def file_list(files, what='scenario_files'):
    """``files`` as a list of paths.

    One path (str or os.PathLike) is one file, not a sequence of
    one-letter names.
    """
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)):
        files = [files]
    if not isinstance(files, (list, tuple)) or not all(
            isinstance(f, (str, os.PathLike)) for f in files):
        raise ScenarioError('%s must be a path or a list of paths; got %r'
                            % (what, files))
    return [os.fspath(f) for f in files]
