// The mock's storage pieces, without the API: token_store (creation order, the ID index, copies,
// restore), scope_list (numbers for names, interned unknown names), and format_date (against
// gmtime_r and printf, the formatter it replaced).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "scopes.h"
#include "time_format.h"
#include "token_store.h"

namespace dtoken::mock {
namespace {

std::string token_text(int index) {
  std::string id = "dt0c01." + std::string(24, 'A');
  const std::string digits = std::to_string(index);
  id.replace(id.size() - digits.size(), digits.size(), digits);
  return id + "." + std::string(64, 'B');
}

token_record record_for(int index, millis creation) {
  token_record record;
  record.id = token_text(index).substr(0, 31);
  record.name = "t" + std::to_string(index);
  record.creation = creation;
  return record;
}

std::vector<std::string> ids_of(const token_store& store) {
  std::vector<std::string> ids;
  for (const auto& record : store.all()) ids.push_back(record->id);
  return ids;
}

TEST(token_store_test, keeps_creation_order_and_finds_by_id_and_secret) {
  token_store store;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store.add(token_text(i), record_for(i, 1000 + i)));
  EXPECT_FALSE(store.add(token_text(2), record_for(2, 2000)));  // the ID exists
  EXPECT_EQ(store.size(), 5U);
  EXPECT_TRUE(store.creation_ordered());
  const std::vector<std::string> ids = ids_of(store);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ids[static_cast<std::size_t>(i)], record_for(i, 0).id);
  ASSERT_NE(store.find(record_for(3, 0).id), nullptr);
  EXPECT_EQ(store.find(record_for(3, 0).id)->name, "t3");
  EXPECT_NE(store.find_by_secret(token_text(3)), nullptr);
  std::string wrong = token_text(3);
  wrong.back() = 'C';
  EXPECT_EQ(store.find_by_secret(wrong), nullptr);  // right ID, wrong secret

  // Erased by a view of the record's own ID (as the API does): gone from the list and the index.
  const token_record* third = store.find(record_for(2, 0).id);
  ASSERT_TRUE(store.erase(third->id));
  EXPECT_EQ(store.find(record_for(2, 0).id), nullptr);
  EXPECT_EQ(ids_of(store).size(), 4U);
  EXPECT_FALSE(store.erase(record_for(2, 0).id));
  // Later records keep their order after the gap.
  ASSERT_TRUE(store.add(token_text(9), record_for(9, 1009)));
  EXPECT_EQ(ids_of(store).back(), record_for(9, 0).id);
}

TEST(token_store_test, a_copy_is_independent) {
  token_store store;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store.add(token_text(i), record_for(i, 1000 + i)));
  token_store copy = store;
  copy.edit(record_for(0, 0).id)->name = "changed";
  ASSERT_TRUE(copy.erase(record_for(1, 0).id));
  EXPECT_EQ(store.find(record_for(0, 0).id)->name, "t0");
  EXPECT_NE(store.find(record_for(1, 0).id), nullptr);
  store = copy;  // (as a reset does)
  EXPECT_EQ(store.find(record_for(0, 0).id)->name, "changed");
  EXPECT_EQ(store.find(record_for(1, 0).id), nullptr);
  EXPECT_NE(store.find_by_secret(token_text(2)), nullptr);
  // New records after a copy still get later sequence numbers than every copied one.
  ASSERT_TRUE(store.add(token_text(5), record_for(5, 1005)));
  EXPECT_GT(store.all().back()->sequence, store.all().front()->sequence);
}

// The store is the unit of work of a request: each change through it is recorded, so that the
// state file receives it; lookups, uses, restores and clears are not changes.
TEST(token_store_test, records_every_change_until_taken) {
  token_store store;
  EXPECT_TRUE(store.take_changes().empty());
  ASSERT_TRUE(store.add(token_text(0), record_for(0, 1000)));
  ASSERT_TRUE(store.add(token_text(1), record_for(1, 1001)));
  change_set changes = store.take_changes();
  EXPECT_EQ(changes.written,
            (std::set<std::string, std::less<>>{record_for(0, 0).id, record_for(1, 0).id}));
  EXPECT_TRUE(changes.removed.empty());
  EXPECT_FALSE(changes.tenant);
  EXPECT_TRUE(store.take_changes().empty());  // taken: cleared

  // Reading and noting a use change nothing durable.
  EXPECT_NE(store.find(record_for(0, 0).id), nullptr);
  EXPECT_NE(store.find_by_secret(token_text(0)), nullptr);
  store.note_use(record_for(0, 0).id, 5000, "10.0.0.1");
  EXPECT_EQ(store.find(record_for(0, 0).id)->last_used, 5000);
  EXPECT_TRUE(store.take_changes().empty());

  // An edit is written; an erase removes, and forgets an earlier write of the same ID.
  store.edit(record_for(0, 0).id)->name = "renamed";
  EXPECT_EQ(store.edit("dt0c01.NOSUCHTOKEN"), nullptr);
  store.edit(record_for(1, 0).id);
  ASSERT_TRUE(store.erase(record_for(1, 0).id));
  store.edit_tenant().active = "new";
  changes = store.take_changes();
  EXPECT_EQ(changes.written, (std::set<std::string, std::less<>>{record_for(0, 0).id}));
  EXPECT_EQ(changes.removed, (std::set<std::string, std::less<>>{record_for(1, 0).id}));
  EXPECT_TRUE(changes.tenant);
  EXPECT_EQ(store.tenant().active, "new");

  // A token erased and then added again in one request is written, not removed.
  ASSERT_TRUE(store.erase(record_for(0, 0).id));
  ASSERT_TRUE(store.add(token_text(0), record_for(0, 1000)));
  changes = store.take_changes();
  EXPECT_EQ(changes.written.size(), 1U);
  EXPECT_TRUE(changes.removed.empty());

  // Restores (from a state file) and clears are not changes to write back.
  token_record restored = record_for(7, 700);
  restored.sequence = 70;
  store.restore(restored);
  store.restore_tenant({"restored", std::nullopt});
  store.clear();
  EXPECT_TRUE(store.take_changes().empty());
}

TEST(token_store_test, restore_puts_records_at_their_sequence_and_tracks_creation_order) {
  token_store store;
  for (const std::uint64_t sequence : {4U, 0U, 2U}) {
    token_record record =
        record_for(static_cast<int>(sequence), 1000 + static_cast<millis>(sequence));
    record.sequence = sequence;
    store.restore(record);
  }
  EXPECT_EQ(ids_of(store), (std::vector<std::string>{record_for(0, 0).id, record_for(2, 0).id,
                                                     record_for(4, 0).id}));
  EXPECT_TRUE(store.creation_ordered());
  // A restored record that replaces one with the same ID does not duplicate it.
  token_record again = record_for(2, 1002);
  again.sequence = 2;
  again.name = "again";
  store.restore(again);
  EXPECT_EQ(store.size(), 3U);
  EXPECT_EQ(store.find(again.id)->name, "again");
  // One created earlier than a record before it: the list is no longer in creation-date order.
  token_record early = record_for(3, 500);
  early.sequence = 3;
  store.restore(early);
  EXPECT_FALSE(store.creation_ordered());
  // A record added after one with a later date does the same.
  token_store added;
  ASSERT_TRUE(added.add(token_text(0), record_for(0, 2000)));
  ASSERT_TRUE(added.add(token_text(1), record_for(1, 1000)));
  EXPECT_FALSE(added.creation_ordered());
  added.clear();
  EXPECT_TRUE(added.creation_ordered());
}

TEST(scope_list_test, numbers_known_scopes_and_interns_unknown_names_in_order) {
  const std::vector<std::string> names = {"metrics.read", "no.such.scope", "apiTokens.read",
                                          "no.such.scope.2"};
  const std::optional<scope_list> list = scope_list::of(names);
  ASSERT_TRUE(list);
  EXPECT_EQ(list->names(), names);
  EXPECT_EQ(list->size(), 4U);
  EXPECT_EQ((*list)[1], "no.such.scope");
  EXPECT_TRUE(list->contains("apiTokens.read"));
  EXPECT_TRUE(list->contains("no.such.scope"));
  EXPECT_FALSE(list->contains("apiTokens.write"));
  EXPECT_FALSE(list->contains("never.seen.anywhere"));
  EXPECT_EQ(scope_list::of(names), list);  // the same names get the same numbers
  EXPECT_NE(scope_list::of({"metrics.read"}), list);
  const scope_list every = scope_list::every_known();
  ASSERT_EQ(every.size(), known_scopes().size());
  std::size_t index = 0;
  for (const std::string_view name : every) EXPECT_EQ(name, known_scopes()[index++].name);
}

// The formatter it replaced: gmtime_r and printf.
std::string reference_date(millis when) {
  const std::time_t seconds =
      static_cast<std::time_t>(when >= 0 ? when / 1000 : (when - 999) / 1000);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  std::array<char, 96> text{};
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min,
                parts.tm_sec, static_cast<int>(((when % 1000) + 1000) % 1000));
  return text.data();
}

TEST(format_date_test, agrees_with_gmtime_and_printf) {
  EXPECT_EQ(format_date(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_date(1'764'331'200'123), "2025-11-28T12:00:00.123Z");
  EXPECT_EQ(format_date(951'782'400'000), "2000-02-29T00:00:00.000Z");
  for (const millis edge : {-1LL, -999LL, -1000LL, -62'167'219'200'000LL, -62'167'219'200'001LL,
                            253'402'300'799'999LL, 253'402'300'800'000LL}) {
    EXPECT_EQ(format_date(edge), reference_date(edge)) << edge;
  }
  std::mt19937_64 random(7);
  std::uniform_int_distribution<millis> any(-70'000'000'000'000LL, 300'000'000'000'000LL);
  for (int i = 0; i < 200'000; ++i) {
    const millis when = any(random);
    ASSERT_EQ(format_date(when), reference_date(when)) << when;
  }
}

}  // namespace
}  // namespace dtoken::mock
