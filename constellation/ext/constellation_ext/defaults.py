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

"""A service's hard-coded argument default, changed only when it is known.

For a wait that is a constant in a service's code (no option exists):
the default is replaced only when it still has the value we know, so an
upstream change stops the service with a message instead of running with
a value nobody chose.
"""


class DefaultError(RuntimeError):
    """The function is not the one the caller knows."""


def with_default(function, name, value, expected, changed):
    """``function.__defaults__`` with ``name``'s default set to ``value``.

    ``changed``: what to say when ``name`` has no default or it is not
    ``expected`` (who changed, where to look).
    """
    code = function.__code__
    defaults = function.__defaults__ or ()
    names = code.co_varnames[:code.co_argcount][-len(defaults):] \
        if defaults else ()
    if name not in names:
        raise DefaultError('%s has no %s default: %s'
                           % (function.__qualname__, name, changed))
    i = names.index(name)
    if defaults[i] != expected:
        raise DefaultError('%s: %s defaults to %r, not %r: %s' % (
            function.__qualname__, name, defaults[i], expected, changed))
    return defaults[:i] + (value,) + defaults[i + 1:]
