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

"""The key a scenario's guests accept over SSH, and whether SSH is possible.

Where Tempest's ``[validation]`` says a guest can be logged into (at its
floating IP, with a keypair), this process makes one ECDSA key (paramiko)
the first time it is asked, and a scenario's template puts its public
half into a Nova keypair of its stack (``{guest_ssh_public_key}``; the
stack's delete removes it). The private half never leaves this process:
it is no setting, no stack parameter and in no result file; an action
asks for it by its public half (:func:`private_key`).
"""

import threading

_LOCK = threading.Lock()
_KEYS = {}      # OpenSSH public key line -> paramiko key


def ssh_reason(validation):
    """Why a guest cannot be logged into, naming the option (or None)."""
    if validation is None or not validation.get('run_validation'):
        return ('[validation] run_validation is False: the cloud gives no '
                'way to reach a guest')
    method = validation.get('connect_method', 'floating')
    if method != 'floating':
        return ('[validation] connect_method is %r: the guests are reached '
                'at their floating IPs' % method)
    auth = validation.get('auth_method', 'keypair')
    if auth != 'keypair':
        return ('[validation] auth_method is %r: the guests accept the '
                "stack's keypair only" % auth)
    if not validation.get('image_ssh_user'):
        return '[validation] image_ssh_user is empty'
    return None


def public_key():
    """This process's guest key, as an OpenSSH public key line."""
    with _LOCK:
        if not _KEYS:
            import paramiko     # only where a guest is logged into
            key = paramiko.ECDSAKey.generate()
            _KEYS['%s %s' % (key.get_name(), key.get_base64())] = key
        return next(iter(_KEYS))


def private_key(public):
    """The paramiko key whose public half is ``public`` (or None)."""
    with _LOCK:
        return _KEYS.get(public)
