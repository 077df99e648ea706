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
import stat

import yaml

from cross_service_tempest_plugin.scenarios.errors import ScenarioError


# Bounds of an input file, checked before it is parsed: its size, how
# deep it nests and how many nodes it stands for once its aliases are
# expanded (an alias bomb of a few hundred bytes stands for 10^9).
MAX_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200000
_KINDS = {stat.S_IFIFO: 'a FIFO', stat.S_IFCHR: 'a character device',
          stat.S_IFBLK: 'a block device', stat.S_IFSOCK: 'a socket'}


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load, but a key given twice in one mapping is an error.

    Also refuses a document nested deeper than :data:`MAX_DEPTH`.
    """

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, 'nested deeper than %d levels' % MAX_DEPTH,
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

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


def read_text(path, what, expected='a YAML file', max_bytes=MAX_BYTES):
    """The UTF-8 text of ``path``; ScenarioError saying why not.

    Only a regular file of at most ``max_bytes`` is read (a FIFO, a
    device or /dev/zero would block or never end).
    """
    if os.path.isdir(path):
        raise ScenarioError('%s %s: is a directory, not a file'
                            % (what, path))
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, 'rb') as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise ScenarioError(
                    '%s %s: not a regular file (%s); expected %s'
                    % (what, path, _KINDS.get(stat.S_IFMT(mode),
                                              'special file'), expected))
            raw = f.read(max_bytes + 1)
    except OSError as exc:
        raise ScenarioError('%s %s: cannot be read: %s'
                            % (what, path, exc.strerror or exc))
    if len(raw) > max_bytes:
        raise ScenarioError('%s %s: larger than %d bytes; expected %s'
                            % (what, path, max_bytes, expected))
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


def expanded_size(node, limit=MAX_NODES):
    """Nodes ``node`` stands for with its aliases expanded (to limit)."""
    sizes = {}

    def size(n):
        if id(n) in sizes:
            return sizes[id(n)]
        sizes[id(n)] = limit + 1        # a cycle (recursive alias): too big
        total = 1
        if isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        elif isinstance(n, yaml.SequenceNode):
            children = n.value
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[id(n)] = total
        return total
    return size(node) if node is not None else 0


def load_text(text, where):
    """YAML ``text`` (unique keys, bounded) → data, or ScenarioError."""
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if expanded_size(node) > MAX_NODES:
            raise ScenarioError('%s: stands for more than %d YAML nodes once '
                                'its aliases are expanded (an alias bomb?)'
                                % (where, MAX_NODES))
        return loader.construct_document(node) if node is not None \
            else None
    except yaml.YAMLError as exc:
        raise ScenarioError('%s: not valid YAML: %s' % (where, exc))
    finally:
        loader.dispose()


def load_yaml_file(path, what='scenario file'):
    """The data of a YAML file (UTF-8, unique keys) or ScenarioError."""
    return load_text(read_text(path, what), '%s %s' % (what, path))


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
