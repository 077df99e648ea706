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

"""Configs of the infrastructure: MariaDB and RabbitMQ (private instances)."""

import os

from constellation import render


def my_cnf(ctx):
    run = os.path.join(ctx['root'], 'run', 'mysql')  # the mysql user's
    return render.ini({
        'mysqld': {
            'datadir': render.data(ctx, 'mysql'),
            'socket': os.path.join(run, 'mysqld.sock'),
            'pid-file': os.path.join(run, 'mysqld.pid'),
            # its own temp dir: an implicit temp table under the shared
            # /tmp (#sql-temptable-*.MAI) was found deleted under a running
            # query on a machine with several MariaDB instances; nova-api
            # then took its cell for down and a server showed UNKNOWN
            'tmpdir': run,
            'port': ctx['ports']['mysql'],
            'bind-address': render.HOST,
            'skip-name-resolve': 'ON',
            'skip-log-bin': 'ON',
            # errors to stderr: supervisord writes them to logs/mysql.log
            'max_connections': 1000,
            'innodb_buffer_pool_size': '64M',
            'innodb_log_file_size': '64M',
            'innodb_flush_log_at_trx_commit': 2,
            'performance_schema': 'OFF',
            'character-set-server': 'utf8mb4',
        },
        'client': {
            'socket': os.path.join(run, 'mysqld.sock'),
        },
    })


def rabbitmq_conf(ctx):
    return '\n'.join([
        'listeners.tcp.1 = %s:%d' % (render.HOST, ctx['ports']['amqp']),
        'loopback_users = none',
        'default_user = constellation',
        'default_pass = %s' % ctx['secrets']['rabbit'],
        'default_vhost = /',
        'log.console = true',
        'log.file = false',
        'vm_memory_high_watermark.absolute = 512MiB',
        'disk_free_limit.absolute = 50MB',
        '',
    ])


def rabbitmq_env(ctx):
    """Environment of the private RabbitMQ node (no system-wide effects)."""
    base = render.data(ctx, 'rabbitmq')
    etc = lambda *p: render.etc(ctx, 'rabbitmq', *p)  # noqa: E731
    return {
        'HOME': base,
        'RABBITMQ_NODENAME': 'constellation%d@localhost' % (
            ctx['ports']['amqp']),
        'RABBITMQ_NODE_IP_ADDRESS': render.HOST,
        'RABBITMQ_NODE_PORT': str(ctx['ports']['amqp']),
        'RABBITMQ_DIST_PORT': str(ctx['ports']['rabbit_dist']),
        'ERL_EPMD_PORT': str(ctx['ports']['epmd']),
        'ERL_EPMD_ADDRESS': render.HOST,
        'RABBITMQ_MNESIA_BASE': os.path.join(base, 'mnesia'),
        'RABBITMQ_MNESIA_DIR': os.path.join(base, 'mnesia', 'node'),
        'RABBITMQ_FEATURE_FLAGS_FILE': os.path.join(base, 'feature_flags'),
        'RABBITMQ_PLUGINS_EXPAND_DIR': os.path.join(base, 'plugins-expand'),
        'RABBITMQ_QUORUM_DIR': os.path.join(base, 'mnesia', 'node', 'quorum'),
        # under data/: written by the rabbitmq user when started as root
        'ERL_CRASH_DUMP': os.path.join(base, 'erl_crash.dump'),
        'RABBITMQ_LOG_BASE': os.path.join(base, 'log'),
        'RABBITMQ_CONFIG_FILE': etc('rabbitmq'),
        'RABBITMQ_ENABLED_PLUGINS_FILE': etc('enabled_plugins'),
        'RABBITMQ_ADVANCED_CONFIG_FILE': etc('advanced.config'),
        'RABBITMQ_CONF_ENV_FILE': etc('rabbitmq-env.conf'),
        'RABBITMQ_PID_FILE': os.path.join(ctx['root'], 'run', 'rabbitmq',
                                          'rabbitmq.pid'),
        'RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS':
            '-kernel inet_dist_use_interface {127,0,0,1}',
        'RABBITMQ_LOGS': '-',
    }
