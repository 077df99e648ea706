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

"""Designate's serial fix applied from the patch (no Designate needed).

The SQL itself runs in the services venv: constellation/patches/
designate_serial_repro.py (with and without --patched) and
fault_tests/test_designate_serial.py.
"""

import importlib.util
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, 'ext'))
from constellation import services  # noqa: E402
from constellation_ext import designate_serial  # noqa: E402

with open(services.DESIGNATE_SERIAL_PATCH) as _f:
    PATCH = _f.read()
OLD, NEW = designate_serial.function_texts(PATCH)


def _storage_module(tmp_path, method_text, name='fake_storage'):
    """A module: a class with ``method_text`` as a method (getsource).

    With fakes of the names the patched method uses, recording calls.
    """
    body = '\n'.join('    ' + line if line else ''
                     for line in method_text.splitlines())
    path = tmp_path / (name + '.py')
    path.write_text(
        'calls = []\n'
        'class _Col:\n'
        '    def __ge__(self, other): return ("ge", other)\n'
        '    def __eq__(self, other): return ("eq", other)\n'
        '    def __add__(self, other): return ("add", other)\n'
        'class _C:\n'
        '    id = _Col(); serial = _Col()\n'
        'class _Query:\n'
        '    def where(self, *a): return self\n'
        '    def values(self, v): calls.append(("values", v)); return self\n'
        'class _Zones:\n'
        '    c = _C()\n'
        '    def update(self): return _Query()\n'
        'class tables:\n'
        '    zones = _Zones()\n'
        'class _Result:\n'
        '    def scalar_one(self): return 42\n'
        'class _Session:\n'
        '    def __enter__(self): return self\n'
        '    def __exit__(self, *a): return False\n'
        '    def execute(self, q): calls.append(("execute",)); '
        'return _Result()\n'
        'class sql:\n'
        '    get_write_session = staticmethod(lambda: _Session())\n'
        'class timeutils:\n'
        '    utcnow_ts = staticmethod(lambda: 7)\n'
        'class LOG:\n'
        '    debug = staticmethod(lambda *a: None)\n'
        'def case(*whens, else_=None):\n'
        '    return ("case", whens, else_)\n'
        'def select(*cols): return _Query()\n'
        'class SQLAlchemyStorage:\n' + body + '\n')
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_patch_holds_the_method_before_and_after():
    assert OLD.startswith('def increment_serial(self, context, zone_id):')
    assert 'new_serial = timeutils.utcnow_ts()' in OLD
    assert 'case((zones.c.serial >= now, zones.c.serial + 1)' in NEW
    assert 'max(now, serial + 1)' in NEW


def test_applied_method_sets_max_of_now_and_serial_plus_one(tmp_path):
    mod = _storage_module(tmp_path, OLD)
    designate_serial.apply(mod.SQLAlchemyStorage, PATCH, off=lambda: False)
    assert mod.SQLAlchemyStorage().increment_serial(None, 'z') == 42
    values = [c[1] for c in mod.calls if c[0] == 'values'][0]
    assert values['serial'] == ('case', ((('ge', 7), ('add', 1)),), 7)
    assert values['increment_serial'] is False


def test_switched_off_runs_designates_own_method(tmp_path):
    mod = _storage_module(tmp_path, OLD, 'fake_storage_off')
    designate_serial.apply(mod.SQLAlchemyStorage, PATCH, off=lambda: True)
    # Designate's own: serial = now, nothing read back
    assert mod.SQLAlchemyStorage().increment_serial(None, 'z') == 7
    values = [c[1] for c in mod.calls if c[0] == 'values'][0]
    assert values['serial'] == 7


def test_switch_is_a_file_in_the_state_dir(tmp_path):
    assert not designate_serial.switched_off(str(tmp_path))
    (tmp_path / designate_serial.SWITCH).write_text('')
    assert designate_serial.switched_off(str(tmp_path))


def test_another_designate_stops_with_a_message(tmp_path):
    mod = _storage_module(tmp_path, OLD.replace('utcnow_ts()',
                                                'utcnow_ts() + 0'),
                          'fake_storage_other')
    with pytest.raises(designate_serial.PatchError,
                       match='not the method the patch changes'):
        designate_serial.apply(mod.SQLAlchemyStorage, PATCH)


def test_usage_without_patch_option():
    with pytest.raises(SystemExit, match='usage: python -m constellation_ext'
                       '.designate_serial --patch FILE'):
        designate_serial.main(['designate-central'])
