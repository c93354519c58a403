// docs/site-yaml.md documents exactly the keys the loader accepts, and the model lists
// match the driver tables: the docs cannot drift from the code without this failing.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "gateway/config_models.h"
#include "gateway/config_schema.h"

using namespace ampgate::config;

namespace {

// Section name (the last `code` in a heading) -> first-column `code` of its table rows.
std::map<std::string, std::set<std::string>> documented_keys() {
  std::ifstream in(AMPGATE_SOURCE_DIR "/docs/site-yaml.md");
  EXPECT_TRUE(in) << "docs/site-yaml.md is missing";
  std::map<std::string, std::set<std::string>> out;
  const std::regex heading(R"(^#+ .*`([^`]+)`[^`]*$)");
  const std::regex row(R"(^\|\s*`([^`]+)`\s*\|)");
  std::string section, line;
  std::smatch m;
  for (int n = 0; std::getline(in, line) && n < 100000; ++n) {
    if (std::regex_match(line, m, heading)) section = m[1];
    else if (!section.empty() && std::regex_search(line, m, row)) out[section].insert(m[1]);
  }
  return out;
}

TEST(Docs, EverySchemaSectionIsDocumentedKeyForKey) {
  auto docs = documented_keys();
  for (const auto& s : site_schema()) {
    const std::string name(s.section);
    ASSERT_TRUE(docs.count(name)) << "docs/site-yaml.md has no table under a heading naming `" << name << "`";
    std::set<std::string> loader(s.keys.begin(), s.keys.end());
    for (const auto& k : loader) EXPECT_TRUE(docs[name].count(k)) << name << "." << k << " is accepted but not documented";
    for (const auto& k : docs[name]) EXPECT_TRUE(loader.count(k)) << name << "." << k << " is documented but not accepted";
  }
}

TEST(Docs, ModelListsMatchTheModelTables) {
  auto docs = documented_keys();
  std::set<std::string> meters, chargers;
  for (const auto& m : meter_models()) meters.insert(std::string(m.name));
  for (const auto& m : charger_models()) chargers.insert(std::string(m.name));
  EXPECT_EQ(docs["meter models"], meters);
  EXPECT_EQ(docs["charger models"], chargers);
}

TEST(Docs, EveryDocumentedSectionIsKnownToTheLoader) {
  for (const auto& [section, keys] : documented_keys()) {
    if (section == "meter models" || section == "charger models") continue;
    EXPECT_NE(find_section(section), nullptr) << "docs describe a section the loader does not read: " << section;
  }
}

}  // namespace
