// The control plane for test harnesses, under /_dtoken/ with its own key (X-Dtoken-Control-Key):
//   POST   reset                  back to the start state (seeds kept), journal, faults and the
//                                 test clock cleared
//   GET    seeds, POST seeds      the seeds; add seeds (seeds.h), all or none
//   DELETE seeds/{id}             remove a seed from the state and the start state
//   GET    journal, journal/count the journal (journal.h), filtered; DELETE journal clears it
//   GET    faults, POST faults    the fault rules (fault_rules.h); DELETE faults, faults/{id}
//   GET    clock, POST clock      the test clock: set ({"time": ..., "freeze": bool}) or advance
//                                 ({"advance": "25h"}); DELETE clock: real time again
// GET /_dtoken/health needs no key. mock_service puts the control plane, the journal and the
// fault rules in front of the token API: every request goes through handle().
#ifndef DTOKEN_MOCK_CONTROL_H
#define DTOKEN_MOCK_CONTROL_H

#include <optional>
#include <string>

#include "api.h"
#include "fault_rules.h"
#include "journal.h"
#include "url.h"

namespace dtoken::mock {

// Applies a seed's "tokenSettings" object ({"newDynatraceTokenFormatEnabled": bool,
// "patEnabled": bool}, either may be left out) to `api`: nullopt, or what is wrong with it.
std::optional<std::string> seed_token_settings(token_api& api, const boost::json::value& value);

class mock_service {
 public:
  // `control_key`: the value of the X-Dtoken-Control-Key header that the control plane wants.
  mock_service(token_api& api, std::string control_key);

  // One request, to the control plane or the token API (through the fault rules).
  response handle(const request& incoming, request_record* record = nullptr);

 private:
  response control(const request& incoming, std::string_view path);
  response control_reset(const request& incoming);
  response control_seeds(const request& incoming, std::string_view path);
  response add_seeds(const request& incoming);
  response control_journal(const request& incoming, std::string_view path, const query_list& query);
  response control_faults(const request& incoming, std::string_view path);
  response control_clock(const request& incoming);
  // A request to the token API, through the fault rules; `record` receives what a log may say.
  response serve(const request& incoming, request_record& record);
  // The fault that hits this request, if any; `token_id` receives the ID of its token.
  std::optional<fault_hit> fault_for(const request& incoming, std::string& token_id);

  token_api& api_;
  std::string control_key_;
  journal journal_;
  fault_table faults_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_CONTROL_H
