// Token settings (builtin:tokens.token-settings) through the Settings 2.0 API, and what they
// change: old-format tokens while the new format is off, personal access tokens while disabled.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "dtoken/validate.h"

namespace dtoken::mock {
namespace {

constexpr const char* schema = "builtin:tokens.token-settings";

class settings_test : public api_test {
 protected:
  // The ID of the one settings object, from the list.
  std::string object_id() {
    const json::object list =
        body_of(call("GET", std::string("/api/v2/settings/objects?schemaIds=") + schema));
    return std::string(list.at("items").as_array().at(0).at("objectId").as_string());
  }
  response put_value(const std::string& value, const std::string& extra = {}) {
    return call("PUT", "/api/v2/settings/objects/" + object_id(),
                R"({"value":)" + value + extra + "}");
  }
};

TEST_F(settings_test, the_object_lists_with_its_defaults_and_fields) {
  const json::object list =
      body_of(call("GET", std::string("/api/v2/settings/objects?schemaIds=") + schema));
  EXPECT_EQ(list.at("totalCount").as_int64(), 1);
  EXPECT_EQ(list.at("pageSize").as_int64(), 100);
  EXPECT_FALSE(list.contains("nextPageKey"));  // there is no next page
  const json::object& item = list.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.size(), 2U);  // objectId and value by default
  EXPECT_EQ(item.at("value"),
            json::parse(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})"));
  const json::object chosen = body_of(call(
      "GET", std::string("/api/v2/settings/objects?schemaIds=") + schema +
                 "&scopes=environment&fields=objectId,schemaId,scope,updateToken&pageSize=500"));
  const json::object& chosen_item = chosen.at("items").as_array().at(0).as_object();
  EXPECT_EQ(chosen_item.at("schemaId").as_string(), schema);
  EXPECT_EQ(chosen_item.at("scope").as_string(), "environment");
  EXPECT_FALSE(chosen_item.contains("value"));
  // Another scope holds no token settings; a bad query is a 400; another schema a 404.
  EXPECT_EQ(body_of(call("GET", "/api/v2/settings/objects?scopes=HOST-1")).at("totalCount"), 0);
  expect_error(call("GET", "/api/v2/settings/objects"), 400, "Constraints violated.");
  expect_error(
      call("GET", std::string("/api/v2/settings/objects?schemaIds=") + schema + "&pageSize=501"),
      400, "Constraints violated.");
  expect_error(
      call("GET", std::string("/api/v2/settings/objects?schemaIds=") + schema + "&fields=nosuch"),
      400, "Constraints violated.");
  expect_error(call("GET", "/api/v2/settings/objects?schemaIds=builtin:alerting.profile"), 404,
               "Schema not found: builtin:alerting.profile");
  // Scopes: settings.read to read.
  const std::string other = create("no settings", R"(["metrics.read"])");
  expect_error(call("GET", std::string("/api/v2/settings/objects?schemaIds=") + schema, "", other),
               403, "settings.read");
}

TEST_F(settings_test, get_and_put_the_object_with_its_update_token) {
  const std::string id = object_id();
  json::object object = body_of(call("GET", "/api/v2/settings/objects/" + id));
  EXPECT_EQ(object.at("schemaId").as_string(), schema);
  const std::string token(object.at("updateToken").as_string());
  now += 1000;
  const response put = put_value(R"({"newDynatraceTokenFormatEnabled":false,"patEnabled":true})",
                                 R"(,"updateToken":")" + token + R"(")");
  ASSERT_EQ(put.status, 200U) << put.body;
  EXPECT_EQ(body_of(put).at("objectId").as_string(), id);
  object = body_of(call("GET", "/api/v2/settings/objects/" + id));
  EXPECT_EQ(object.at("value").at("newDynatraceTokenFormatEnabled").as_bool(), false);
  EXPECT_EQ(object.at("modified").as_int64(), start_time + 1000);
  EXPECT_EQ(object.at("author").as_string(), "alice");
  // The old update token is stale now: 409, as a SettingsObjectResponse.
  const response stale = put_value(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})",
                                   R"(,"updateToken":")" + token + R"(")");
  EXPECT_EQ(stale.status, 409U);
  EXPECT_EQ(body_of(stale).at("code").as_int64(), 409);
  // A value without a property, with another type or an unknown property: 400 with the value.
  for (const char* bad :
       {R"({"patEnabled":true})", R"({"newDynatraceTokenFormatEnabled":"no","patEnabled":true})",
        R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true,"x":1})", "7"}) {
    const response refused = put_value(bad);
    EXPECT_EQ(refused.status, 400U) << bad;
    EXPECT_EQ(body_of(refused).at("error").at("code").as_int64(), 400) << refused.body;
  }
  EXPECT_EQ(call("PUT", "/api/v2/settings/objects/nosuch", R"({"value":{}})").status, 404U);
  expect_error(call("GET", "/api/v2/settings/objects/nosuch"), 404, "not found");
  const std::string reader = create("reader", R"(["settings.read"])");
  expect_error(call("PUT", "/api/v2/settings/objects/" + id, R"({"value":{}})", reader), 403,
               "settings.write");
}

TEST_F(settings_test, post_upserts_the_object_and_validate_only_changes_nothing) {
  const std::string body = std::string(R"([{"schemaId":")") + schema +
                           R"(","scope":"environment","value":{"newDynatraceTokenFormatEnabled":)"
                           R"(true,"patEnabled":false}}])";
  response out = call("POST", "/api/v2/settings/objects?validateOnly=true", body);
  ASSERT_EQ(out.status, 200U) << out.body;
  EXPECT_EQ(json::parse(out.body).as_array().at(0).at("code").as_int64(), 200);
  const auto pat_enabled = [&] {
    const json::object effective =
        body_of(call("GET", std::string("/api/v2/settings/effectiveValues?schemaIds=") + schema));
    return effective.at("items").as_array().at(0).at("value").at("patEnabled").as_bool();
  };
  EXPECT_TRUE(pat_enabled());
  out = call("POST", "/api/v2/settings/objects", body);
  ASSERT_EQ(out.status, 200U) << out.body;
  EXPECT_FALSE(pat_enabled());
  // Errors come as arrays of SettingsObjectResponse: 400 for a bad value, 404 for another schema.
  out = call("POST", "/api/v2/settings/objects",
             std::string(R"([{"schemaId":")") + schema + R"(","value":{"patEnabled":1}}])");
  EXPECT_EQ(out.status, 400U);
  EXPECT_EQ(json::parse(out.body).as_array().at(0).at("code").as_int64(), 400);
  out = call("POST", "/api/v2/settings/objects", R"([{"schemaId":"builtin:x","value":{}}])");
  EXPECT_EQ(out.status, 404U);
  EXPECT_EQ(call("POST", "/api/v2/settings/objects", "{}").status, 400U);
  EXPECT_EQ(call("POST", "/api/v2/settings/objects", "[7]").status, 400U);
}

TEST_F(settings_test, the_schema_and_the_effective_value) {
  const json::object definition =
      body_of(call("GET", std::string("/api/v2/settings/schemas/") + schema));
  EXPECT_EQ(definition.at("schemaId").as_string(), schema);
  EXPECT_EQ(definition.at("multiObject").as_bool(), false);
  EXPECT_TRUE(definition.at("properties").as_object().contains("patEnabled"));
  EXPECT_TRUE(definition.at("properties").as_object().contains("newDynatraceTokenFormatEnabled"));
  expect_error(call("GET", "/api/v2/settings/schemas/builtin:x"), 404, "Schema not found");
  json::object effective =
      body_of(call("GET", std::string("/api/v2/settings/effectiveValues?schemaIds=") + schema));
  EXPECT_EQ(effective.at("items").as_array().at(0).at("origin").as_string(), "default");
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})").status, 200U);
  effective = body_of(call("GET", "/api/v2/settings/effectiveValues"));
  EXPECT_EQ(effective.at("items").as_array().at(0).at("origin").as_string(), "environment");
}

TEST_F(settings_test, with_the_new_format_off_tokens_are_old_format_and_work_as_any) {
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":false,"patEnabled":true})").status,
            200U);
  const std::string v2 = create("old v2", R"(["apiTokens.read","apiTokens.write"])");
  EXPECT_TRUE(validate_legacy(v2).ok()) << v2;
  const response v1_out =
      call("POST", "/api/v1/tokens", R"({"name":"old v1","scopes":["DataExport"]})");
  ASSERT_EQ(v1_out.status, 201U);
  const std::string v1(body_of(v1_out).at("token").as_string());
  EXPECT_TRUE(validate_legacy(v1).ok()) << v1;
  // Its ID is a UUID, in the create answer, the Location header, the list and the lookup.
  const response created =
      call("POST", "/api/v2/apiTokens", R"({"name":"another","scopes":["metrics.read"]})");
  const std::string id(body_of(created).at("id").as_string());
  EXPECT_EQ(id.size(), 36U);
  EXPECT_EQ(id[8], '-');
  EXPECT_NE(v1_out.headers.at(0).second.find(
                body_of(call("POST", "/api/v1/tokens/lookup", R"({"token":")" + v1 + R"("})"))
                    .at("id")
                    .as_string()),
            std::string::npos);
  // It authenticates; it is listed, looked up, fetched and deleted by ID or by secret.
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", "", v2).status, 200U);
  EXPECT_NE(call("GET", "/api/v2/apiTokens").body.find(id), std::string::npos);
  const json::object looked =
      body_of(call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + v2 + R"("})"));
  EXPECT_EQ(looked.at("name").as_string(), "old v2");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens/" + id).status, 200U);
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + id).status, 204U);
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + v2).status, 204U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", "", v2).status, 401U);
  // Back on: new tokens are new-format again, and the old ones keep working.
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})").status, 200U);
  EXPECT_TRUE(is_valid(create("new again", R"(["metrics.read"])")));
  EXPECT_EQ(call("GET", "/api/v1/tokens", "", v1).status, 403U);  // authenticated, lacks a scope
}

TEST_F(settings_test, with_personal_access_tokens_disabled_none_is_made_or_used) {
  const std::string pat = create("pat", R"(["apiTokens.read"])", R"(,"personalAccessToken":true)");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", "", pat).status, 200U);
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":false})").status,
            200U);
  expect_error(call("POST", "/api/v2/apiTokens",
                    R"({"name":"p","scopes":["metrics.read"],"personalAccessToken":true})"),
               400, "Personal access tokens are disabled");
  expect_error(call("GET", "/api/v2/apiTokens", "", pat), 401,
               "Personal access tokens are disabled");
  create("api token", R"(["metrics.read"])");  // API tokens are not affected
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})").status, 200U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", "", pat).status, 200U);
}

TEST_F(settings_test, reset_restores_the_start_settings) {
  api.mark_seeded();
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":false,"patEnabled":false})").status,
            200U);
  api.reset();
  const json::object effective = body_of(call("GET", "/api/v2/settings/effectiveValues"));
  EXPECT_EQ(effective.at("items").as_array().at(0).at("value"),
            json::parse(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":true})"));
}

TEST_F(settings_test, an_old_format_secret_in_a_path_is_never_logged) {
  ASSERT_EQ(put_value(R"({"newDynatraceTokenFormatEnabled":false,"patEnabled":true})").status,
            200U);
  const std::string old = create("old", R"(["metrics.read"])");
  request in;
  in.method = "DELETE";
  in.target = "/api/v2/apiTokens/" + old;
  in.headers.emplace_back("Authorization", "Api-Token " + admin);
  request_record record;
  EXPECT_EQ(api.handle(in, &record).status, 204U);
  EXPECT_EQ(record.path, "/api/v2/apiTokens/" + std::string(21, '*'));
}

}  // namespace
}  // namespace dtoken::mock
