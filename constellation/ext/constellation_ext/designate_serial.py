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

"""designate-central with the upstream fix of Designate 23's serial.

Designate 23's ``SQLAlchemyStorage.increment_serial`` sets the serial to
the current second, so two increments in one second give one serial and
the second change never reaches the nameservers
(doc/source/constellation/designate-findings.rst, "Designate's serial in
whole seconds").  The fix is kept as a patch a real deployment can apply
(``constellation/patches/designate-23-increment-serial.patch``); this
module applies the same change at runtime, read from that file::

    python -m constellation_ext.designate_serial --patch FILE \\
        designate-central --config-file ...

It takes the method's old and new text from the patch, checks that the
installed method is exactly the old text (else designate-central stops
with a message: the patch no longer applies), compiles the new text in
the storage module's namespace and puts it on the class.  Switch: while
the file ``$CONSTELLATION_STATE_DIR/designate-upstream-serial`` exists,
each call runs Designate's own method (read per call, so the fault test
proving the upstream bug can turn it off and on without a restart).
"""

import inspect
import os
import sys
import textwrap

from constellation_ext import nofork

FUNCTION = 'increment_serial'
SWITCH = 'designate-upstream-serial'


class PatchError(RuntimeError):
    """The patch does not apply to the installed Designate."""


def function_texts(patch_text, name=FUNCTION):
    """(old, new) text of method ``name`` in a unified diff's hunks."""
    old, new = [], []
    inside = False
    for line in patch_text.splitlines():
        if line.startswith(('---', '+++', '@@')):
            inside = False if line.startswith('@@') else inside
            continue
        if not line or line[0] not in ' +-':
            continue
        mark, text = line[0], line[1:]
        stripped = text.strip()
        if stripped.startswith('def '):
            inside = stripped.startswith('def %s(' % name)
        if not inside:
            continue
        if mark in ' -':
            old.append(text)
        if mark in ' +':
            new.append(text)
    if not old or not new:
        raise PatchError('no method %s in the patch' % name)

    def clean(lines):
        while lines and not lines[-1].strip():
            lines.pop()
        return textwrap.dedent('\n'.join(lines) + '\n')
    return clean(old), clean(new)


def switched_off(state_dir=None):
    state_dir = state_dir or os.environ.get('CONSTELLATION_STATE_DIR')
    return bool(state_dir) and os.path.exists(os.path.join(state_dir,
                                                           SWITCH))


def apply(cls, patch_text, name=FUNCTION, off=switched_off):
    """Replace ``cls.<name>`` by the patch's version (else PatchError)."""
    upstream = getattr(cls, name)
    old, new = function_texts(patch_text, name)
    try:
        installed = textwrap.dedent(inspect.getsource(upstream))
    except (OSError, TypeError) as exc:
        raise PatchError('cannot read %s.%s: %s' % (cls.__name__, name, exc))
    if installed != old:
        raise PatchError('%s.%s is not the method the patch changes (a '
                         'Designate release other than 23?): update '
                         'constellation/patches or drop it'
                         % (cls.__name__, name))
    namespace = dict(sys.modules[upstream.__module__].__dict__)
    exec(compile(new, '<patch %s>' % name, 'exec'), namespace)
    fixed = namespace[name]

    def increment_serial(self, context, zone_id):
        if off():
            return upstream(self, context, zone_id)
        return fixed(self, context, zone_id)
    increment_serial.__doc__ = fixed.__doc__
    increment_serial.upstream = upstream
    setattr(cls, name, increment_serial)
    return increment_serial


def _prepare(patch_path):
    from designate.storage import sqlalchemy
    try:
        with open(patch_path) as f:
            text = f.read()
        apply(sqlalchemy.SQLAlchemyStorage, text)
    except (OSError, PatchError) as exc:
        sys.exit('constellation_ext.designate_serial: %s: %s'
                 % (patch_path, exc))


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[0] != '--patch':
        sys.exit('usage: python -m constellation_ext.designate_serial '
                 '--patch FILE SCRIPT [ARGS]')
    patch_path = argv[1]
    return nofork.main(argv[2:], prepare=lambda: _prepare(patch_path))


if __name__ == '__main__':
    main()
