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

"""A run's hooks: code of the caller's called around each step.

``before_step(run, step_name)`` and ``after_step(run, step_result)``, as
an object's methods or a dict's values (the API's ``hooks=``, the CLI's
progress lines, the fault tests' fault injection).
"""


def normalise_hooks(hooks):
    """hooks: None, an object/dict with before_step/after_step, or a list."""
    if hooks is None:
        return []
    if not isinstance(hooks, (list, tuple)):
        hooks = [hooks]
    result = []
    for hook in hooks:
        if isinstance(hook, dict):
            unknown = set(hook) - {'before_step', 'after_step'}
            if unknown:
                raise ValueError('hooks: unknown key(s) %s (use before_step,'
                                 ' after_step)' % ', '.join(sorted(unknown)))
            before, after = hook.get('before_step'), hook.get('after_step')
        else:
            before = getattr(hook, 'before_step', None)
            after = getattr(hook, 'after_step', None)
        if before is None and after is None:
            raise ValueError('hooks: %r has neither before_step nor '
                             'after_step' % (hook,))
        result.append((before, after))
    return result
