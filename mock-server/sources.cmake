# The sources of the mock's core (state and API handlers, no sockets), in one list for the
# mock's own build and for the fuzz targets, which compile them again instrumented.
set(DTOKEN_MOCK_CORE_SOURCES
    time_format.cc token_store.cc scopes.cc message.cc url.cc list_query.cc auth.cc
    route_table.cc token_bodies.cc api_tokens_v2.cc tokens_v1.cc tenant_rotation.cc active_gate_tokens.cc token_settings.cc deployment.cc installers.cc zip_archive.cc
    cluster.cc api.cc masking.cc seeds.cc journal.cc fault_rules.cc mutation.cc control.cc
    state_file.cc)
list(TRANSFORM DTOKEN_MOCK_CORE_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/src/)
