#!/bin/bash
# cross-service-tempest-plugin's devstack plugin: what the cross_service
# scenarios need from Neutron, Designate and Tempest, on top of the
# designate, neutron (neutron-dns) and heat plugins.
#
#   stack pre-install  fail early when a service it needs is not enabled
#   stack post-config  neutron.conf [DEFAULT]/[designate] (PTRs, prefix
#                      sizes), ML2 extension drivers (ours added, others
#                      kept), designate.conf worker polling
#   stack extra        Neutron's reverse zones created ahead, as Neutron's
#                      Designate user (Designate's serial collision)
#   stack test-config  tempest.conf [cross_service] and [dns]
#
# Every value the scenarios depend on comes from
# $CROSS_SERVICE_SETTINGS (cross_service_settings/service-settings.ini),
# which the local constellation renders its configs from as well.  Every
# phase is idempotent: run again, it changes nothing.  Local.conf
# post-config/test-config are merged after the plugins' phases, so a job's
# own values still win (and must not set extension_drivers, which would
# replace the list instead of adding to it).

CROSS_SERVICE_XTRACE=$(set +o | grep xtrace)
set -o xtrace

# _cross_service_options SECTION: option names of SECTION of the
# settings file, in order (iniget has no such listing)
function _cross_service_options {
    sed -ne "/^\[$1\]/,/^\[.*\]/ { s/^\([A-Za-z0-9_][A-Za-z0-9_.-]*\)[ \t]*=.*/\1/p; }" \
        "$CROSS_SERVICE_SETTINGS"
}

# _cross_service_not_applied SECTION: true when [devstack] not_applied
# names SECTION (the constellation-only settings)
function _cross_service_not_applied {
    local skip
    skip=$(iniget "$CROSS_SERVICE_SETTINGS" devstack not_applied)
    [[ ,${skip// /}, == *,$1,* ]]
}

# _cross_service_apply KEY:GROUP FILE: every option of that section of
# the settings into FILE's [GROUP]
function _cross_service_apply {
    local section=$1 file=$2 group=${1#*:} opt
    if _cross_service_not_applied "$section"; then
        echo "cross-service: [$section] of $CROSS_SERVICE_SETTINGS left at the service's default on devstack ([devstack] not_applied)"
        return
    fi
    for opt in $(_cross_service_options "$section"); do
        iniset "$file" "$group" "$opt" "$(iniget "$CROSS_SERVICE_SETTINGS" "$section" "$opt")"
    done
}

# _cross_service_python ARGS: the stdlib helpers (system python3, no venv)
function _cross_service_python {
    PYTHONPATH=$CROSS_SERVICE_DIR${PYTHONPATH:+:$PYTHONPATH} python3 -m cross_service_settings "$@"
}

function cross_service_check_services {
    local missing="" svc
    if [[ ! -r $CROSS_SERVICE_SETTINGS ]]; then
        die $LINENO "cross-service-tempest-plugin: cannot read $CROSS_SERVICE_SETTINGS (CROSS_SERVICE_DIR=$CROSS_SERVICE_DIR: the plugin's checkout)"
    fi
    for svc in designate-api designate-central designate-worker \
            designate-producer designate-mdns h-api h-eng; do
        is_service_enabled $svc || missing+=" $svc"
    done
    is_service_enabled q-svc neutron-api || missing+=" neutron-api"
    # neutron's devstack plugin: external_dns_driver, [designate] url and
    # Neutron's Designate user (devstack/lib/dns configure_dns_integration)
    is_service_enabled q-dns neutron-dns || missing+=" neutron-dns"
    if [[ -n $missing ]]; then
        die $LINENO "cross-service-tempest-plugin needs these devstack services, not enabled:$missing (a Zuul job: devstack_services: {<name>: true}; local.conf: enable_service <name>; the plugins designate, neutron and heat enabled before this one)"
    fi
    if [[ ${NEUTRON_CORE_PLUGIN:-${Q_PLUGIN:-ml2}} != ml2 ]]; then
        die $LINENO "cross-service-tempest-plugin needs Neutron's ML2 core plugin (NEUTRON_CORE_PLUGIN=${NEUTRON_CORE_PLUGIN:-$Q_PLUGIN}): its DNS extension drivers"
    fi
}

function configure_cross_service_neutron {
    local conf=$NEUTRON_CONF ml2=/$NEUTRON_CORE_PLUGIN_CONF loaded drivers email
    _cross_service_apply neutron:DEFAULT "$conf"
    _cross_service_apply neutron:designate "$conf"
    # One PTR zone e-mail (Neutron's default is admin@<record's domain>):
    # the zones created ahead use it; an operator's own is kept.
    email=$(iniget "$conf" designate ptr_zone_email)
    iniset "$conf" designate ptr_zone_email "${email:-$CROSS_SERVICE_PTR_ZONE_EMAIL}"
    # ML2: ours added, the others kept; the DNS drivers that ours
    # subclasses removed (loaded with it, network create fails)
    loaded=$(iniget "$ml2" ml2 extension_drivers)
    drivers=$(_cross_service_python extension-drivers "${loaded// /}") ||
        die $LINENO "cross-service-tempest-plugin: cannot compute the ML2 extension drivers"
    iniset "$ml2" ml2 extension_drivers "$drivers"
    # neutron's own post-config (configure_ml2_extension_drivers) writes
    # Q_ML2_PLUGIN_EXT_DRIVERS: the same list, whichever plugin runs last
    Q_ML2_PLUGIN_EXT_DRIVERS=$drivers
}

function configure_cross_service_designate {
    local section
    for section in $(sed -ne 's/^\[\(designate:.*\)\]/\1/p' "$CROSS_SERVICE_SETTINGS"); do
        _cross_service_apply "$section" "$DESIGNATE_CONF"
    done
}

# The CIDRs of the [cross_service] options whose reverse zones are
# created ahead: devstack variables, else service-settings.ini
function _cross_service_cidr {
    local opt=$1 var
    var=CROSS_SERVICE_${opt^^}
    echo "${!var:-$(iniget "$CROSS_SERVICE_SETTINGS" tempest:cross_service "$opt")}"
}

function init_cross_service_reverse_zones {
    local args=() opt cidr
    for opt in $(iniget "$CROSS_SERVICE_SETTINGS" reverse_zones cidr_options | tr ',' ' '); do
        cidr=$(_cross_service_cidr "$opt")
        [[ -n $cidr ]] && args+=(--cidr "$cidr")
    done
    _cross_service_python reverse-zones --neutron-conf "$NEUTRON_CONF" \
        --public-network "$CROSS_SERVICE_PUBLIC_NETWORK" \
        --timeout "$CROSS_SERVICE_ZONE_TIMEOUT" "${args[@]}" ||
        die $LINENO "cross-service-tempest-plugin: Neutron's reverse zones could not be created ahead (above)"
}

function configure_cross_service_tempest {
    local conf=$TEMPEST_CONFIG opt nameservers
    iniset "$conf" service_available designate True
    iniset "$conf" service_available heat True
    # designate's plugin writes the nameservers (its BIND9 listens on
    # $HOST_IP only, not on 127.0.0.1); written here only when missing
    nameservers=$(iniget "$conf" dns nameservers)
    iniset "$conf" dns nameservers "${nameservers:-$DESIGNATE_SERVICE_HOST:$DESIGNATE_SERVICE_PORT_DNS}"
    iniset "$conf" cross_service zone_suffix "$CROSS_SERVICE_ZONE_SUFFIX"
    iniset "$conf" cross_service zone_email "$CROSS_SERVICE_ZONE_EMAIL"
    iniset "$conf" cross_service record_timeout "$CROSS_SERVICE_RECORD_TIMEOUT"
    iniset "$conf" cross_service check_nameservers True
    iniset "$conf" cross_service check_reverse \
        "$(iniget "$CROSS_SERVICE_SETTINGS" neutron:designate allow_reverse_dns_lookup)"
    iniset "$conf" cross_service provider_network_type "$CROSS_SERVICE_PROVIDER_NETWORK_TYPE"
    iniset "$conf" cross_service provider_physical_network "$CROSS_SERVICE_PROVIDER_PHYSICAL_NETWORK"
    iniset "$conf" cross_service provider_segmentation_id "$CROSS_SERVICE_PROVIDER_SEGMENTATION_ID"
    for opt in $(_cross_service_options tempest:cross_service); do
        iniset "$conf" cross_service "$opt" "$(_cross_service_cidr "$opt")"
    done
}

if [[ "$1" == "stack" ]]; then
    case "$2" in
        pre-install)
            echo_summary "cross-service-tempest-plugin: checking the services it needs"
            cross_service_check_services
            ;;
        post-config)
            echo_summary "cross-service-tempest-plugin: Neutron and Designate settings"
            cross_service_check_services
            configure_cross_service_neutron
            configure_cross_service_designate
            ;;
        extra)
            echo_summary "cross-service-tempest-plugin: Neutron's reverse zones, ahead"
            init_cross_service_reverse_zones
            ;;
        test-config)
            if is_service_enabled tempest; then
                echo_summary "cross-service-tempest-plugin: tempest.conf [cross_service]"
                configure_cross_service_tempest
            fi
            ;;
    esac
fi

$CROSS_SERVICE_XTRACE
