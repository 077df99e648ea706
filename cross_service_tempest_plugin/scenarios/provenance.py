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

"""Where a result came from.

Schema and plugin version, start time, the cloud, the settings in force
and the services' versions.

A leaf module (no Tempest import at module level): ``--version`` uses it.
"""

import dataclasses
import datetime
import logging
import urllib.parse

from cross_service_tempest_plugin import result_model

LOG = logging.getLogger(__name__)

# The result document's schema and the plugin's version (result_model).
SCHEMA_VERSION = result_model.SCHEMA_VERSION
plugin_version = result_model.plugin_version
# catalog service type → the name the result uses
SERVICES = {'identity': 'keystone', 'compute': 'nova', 'network': 'neutron',
            'dns': 'designate', 'orchestration': 'heat', 'image': 'glance',
            'placement': 'placement'}
# version document keys kept (the rest are links and media types)
VERSION_KEYS = ('id', 'version', 'min_version')


def now_iso():
    """Now, ISO 8601 with the local zone's offset.

    E.g. ``2026-12-01T22:35:08+00:00``.
    """
    return datetime.datetime.now(datetime.timezone.utc).astimezone(
    ).isoformat(timespec='seconds')


def settings_dict(settings):
    """Every tunable of an engine Settings (JSON-friendly)."""
    return {k: (list(v) if isinstance(v, tuple) else v)
            for k, v in dataclasses.asdict(settings).items()}


def cloud(conf):
    """The cloud tempest.conf points at: Keystone URL, region."""
    identity = conf.identity
    uri = identity.uri_v3 if identity.auth_version == 'v3' else identity.uri
    return {'auth_url': uri, 'region': identity.region or None,
            'endpoint_type': identity.v3_endpoint_type}


def _catalog_urls(catalog, region, interface):
    """{service type: endpoint URL} of a Keystone v3 token's catalog."""
    urls = {}
    for service in catalog or ():
        if service.get('type') not in SERVICES:
            continue
        for ep in service.get('endpoints') or ():
            if (ep.get('interface') == interface and
                    (not region or ep.get('region_id', ep.get('region'))
                     in (region, None))):
                urls[service['type']] = ep['url']
                break
    return urls


def service_versions(auth_provider, conf, timeout=3.0):
    """{service: its current version} from the version documents.

    One unauthenticated GET per service (keystoneauth1's version
    discovery); a service that does not answer is left out, with the
    reason logged: this is information, never a failure.
    """
    from keystoneauth1 import session as ksa_session
    try:
        catalog = auth_provider.auth_data[1].get('catalog')
    except Exception as exc:
        LOG.info('service versions: no catalog: %s', exc)
        return {}
    interface = (conf.identity.v3_endpoint_type or 'public').replace(
        'URL', '')
    session = ksa_session.Session(
        verify=not conf.identity.disable_ssl_certificate_validation,
        timeout=timeout)
    versions = {}
    for stype, url in sorted(_catalog_urls(
            catalog, conf.identity.region, interface).items()):
        current = _current(session, url)
        if current:
            versions[SERVICES[stype]] = current
    return versions


def _current(session, url):
    """The current version at ``url`` → dict, or None.

    Else at its host's root (Heat's endpoint names a project).
    """
    from keystoneauth1 import discover
    parts = urllib.parse.urlsplit(url)
    root = '%s://%s/' % (parts.scheme, parts.netloc)
    for where in dict.fromkeys((url, root)):
        try:
            data = discover.get_version_data(session, where)
        except Exception as exc:
            LOG.info('service versions: %s: %s', where, exc)
            continue
        current = [v for v in data if str(v.get('status')).lower() in
                   ('current', 'stable')] or data[-1:]
        if current:
            return {k: current[0][k] for k in VERSION_KEYS
                    if current[0].get(k)}
    return None
