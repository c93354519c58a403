// Every file in tests/daemon_rules/cases/ is a test named after it (ctest -R DaemonRule.<name>).
// A file names its rule and gives the rule's input and what must come out; the format of
// each rule is in docs/daemon.md "Safety rules". A field report becomes a test by adding a file.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>

#include "gateway/daemon/device_rules.h"
#include "gateway/daemon/failsafe_plan.h"
#include "gateway/daemon/reservation.h"
#include "gateway/daemon/write_plan.h"
#include "tests/daemon_rules/rule_checks.h"

namespace ampgate::gateway::test {
namespace {

namespace fs = std::filesystem;
using policies::Setpoint;

policies::Phase phase(const YAML::Node& n) {
  const auto s = n.as<std::string>();
  if (s == "L1") return policies::Phase::L1;
  if (s == "L2") return policies::Phase::L2;
  if (s == "L3") return policies::Phase::L3;
  throw std::runtime_error("unknown phase " + s);
}

std::array<policies::Phase, 3> phase_map(const YAML::Node& n) {
  if (!n) return {policies::Phase::L1, policies::Phase::L2, policies::Phase::L3};
  return {phase(n[0]), phase(n[1]), phase(n[2])};
}

// A setpoint: "pause", or {amps: 16, phases: 3} (running), or {amps, phases, run}.
Setpoint setpoint(const YAML::Node& n) {
  if (n.IsScalar() && n.as<std::string>() == "pause") return {0, 3, false};
  Setpoint s{n["amps"].as<int>(), n["phases"] ? n["phases"].as<int>() : 3, true};
  if (n["run"]) s.run = n["run"].as<bool>();
  return s;
}

std::string show(const Setpoint& s) {
  if (!s.run) return "pause";
  return std::to_string(s.amps) + " A x" + std::to_string(s.phases);
}

template <typename T>
std::optional<T> opt(const YAML::Node& n) {
  if (!n || n.IsNull()) return std::nullopt;
  return n.as<T>();
}

std::array<std::optional<double>, 3> currents(const YAML::Node& n) {
  std::array<std::optional<double>, 3> out{};
  if (!n) return out;
  for (std::size_t i = 0; i < 3 && i < n.size(); ++i) {
    if (n[i].IsNull()) continue;  // not reported
    out[i] = n[i].as<std::string>() == "nan" ? std::nan("") : n[i].as<double>();
  }
  return out;
}

// ---- write_plan -------------------------------------------------------------------------
void write_plan_case(const YAML::Node& k) {
  std::vector<ChargerInForce> in_force;
  std::vector<JudgedCharger> judged;
  for (const auto& n : k["chargers"]) {
    ChargerInForce c;
    c.id = n["id"].as<std::string>();
    c.in_force = setpoint(n["in_force"]);
    c.since = n["since"].as<double>(0);
    c.wired_phases = n["phases"].as<int>(3);
    c.phase_map = phase_map(n["map"]);
    if (n["in_force_map"]) c.in_force_phase_map = phase_map(n["in_force_map"]);
    c.unknown = n["unknown"].as<bool>(false);
    c.may_be_paused = n["may_be_paused"].as<bool>(false);
    if (n["at_least"]) c.at_least = setpoint(n["at_least"]);
    in_force.push_back(c);
    judged.push_back({c, n["circuit"].as<std::string>("mains")});
  }
  policies::Allocation target;
  for (const auto& kv : k["target"]) target.setpoints.push_back({kv.first.as<std::string>(), setpoint(kv.second), {}});
  PlanOptions options;
  options.now = k["now"].as<double>(100);
  options.car_follow_time = k["car_follow_time"].as<double>(5);
  const WritePlan plan = plan_writes(in_force, target, options);

  std::string got;
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    got += "stage " + std::to_string(s + 1) + ":";
    for (const auto& w : plan.stages[s]) got += " " + w.charger + "=" + show(w.setpoint);
    got += "\n";
  }
  for (const auto& d : plan.deferred) got += "deferred: " + d.charger + "=" + show(d.target) + "\n";
  SCOPED_TRACE("plan:\n" + got);

  const auto& want = k["expect"];
  ASSERT_EQ(plan.stages.size(), want["stages"].size()) << "number of stages";
  for (std::size_t s = 0; s < plan.stages.size(); ++s) {
    std::map<std::string, std::string> g, w;
    for (const auto& x : plan.stages[s]) g[x.charger] = show(x.setpoint);
    for (const auto& kv : want["stages"][s]) w[kv.first.as<std::string>()] = show(setpoint(kv.second));
    EXPECT_EQ(g, w) << "stage " << s + 1;
  }
  std::map<std::string, std::string> gd, wd;
  for (const auto& d : plan.deferred) gd[d.charger] = show(d.target);
  for (const auto& kv : want["deferred"]) wd[kv.first.as<std::string>()] = show(setpoint(kv.second));
  EXPECT_EQ(gd, wd) << "deferred";

  // Every case is also judged from outside: with its site if it has one, else by bounds.
  EXPECT_EQ(first_unbounded_state(in_force, target, plan), "");
  if (k["circuits"]) {
    std::vector<JudgedCircuit> circuits;
    for (const auto& n : k["circuits"]) {
      JudgedCircuit c{n["id"].as<std::string>(), n["parent"].as<std::string>(""), n["limit"].as<double>(), {}};
      if (n["household"])
        for (int p = 0; p < 3; ++p) c.household[p] = n["household"][p].as<double>();
      circuits.push_back(c);
    }
    EXPECT_EQ(first_overload(circuits, judged, plan), "");
  }
}

// ---- write_outcome ----------------------------------------------------------------------
WriteResult write_result(const YAML::Node& n) {
  const auto s = n.as<std::string>();
  if (s == "acknowledged") return WriteResult::acknowledged;
  if (s == "failed") return WriteResult::failed;
  if (s == "refused") return WriteResult::refused;
  throw std::runtime_error("unknown write result " + s);
}

void write_outcome_case(const YAML::Node& k) {
  for (const auto& w : k["writes"]) {
    AfterWrite before;
    before.known = bool(w["before"]);
    if (before.known) before.commanded = setpoint(w["before"]);
    before.certain = w["certain"].as<bool>(true);
    const auto after = after_write(before, setpoint(w["target"]), write_result(w["result"]));
    const auto& e = w["expect"];
    SCOPED_TRACE(w["result"].as<std::string>() + " " + show(setpoint(w["target"])));
    if (e["commanded"]) {
      EXPECT_EQ(show(after.commanded), show(setpoint(e["commanded"])));
    }
    if (e["known"]) {
      EXPECT_EQ(after.known, e["known"].as<bool>());
    }
    if (e["certain"]) {
      EXPECT_EQ(after.certain, e["certain"].as<bool>());
    }
  }
  for (const auto& st : k["stages"]) {
    std::vector<WriteResult> results;
    for (const auto& r : st["results"]) results.push_back(write_result(r));
    EXPECT_EQ(next_stage_may_start(results), st["next_stage"].as<bool>());
  }
}

// ---- reachability ------------------------------------------------------------------------
void reachability_case(const YAML::Node& k) {
  for (const auto& row : k["table"]) {
    const bool read = row["read_since_start"].as<bool>();
    const int failures = row["failures"].as<int>();
    EXPECT_EQ(charger_reachable(read, failures), row["reachable"].as<bool>())
        << "read_since_start " << read << ", failures " << failures;
  }
}

// ---- above_command -----------------------------------------------------------------------
void above_command_case(const YAML::Node& k) {
  DrawCheck c;
  c.commanded = setpoint(k["commanded"]);
  c.commanded_certain = k["certain"].as<bool>(true);
  c.certain_since = k["since"].as<double>(0);
  for (const auto& h : k["history"]) c.history.push_back({h["from"].as<double>(), setpoint(h["setpoint"])});
  c.follow_time = k["follow_time"].as<double>(5);
  c.wired_phases = k["phases"].as<int>(3);
  c.current = currents(k["current"]);
  c.reading_at = k["reading_at"].as<double>(100);
  const auto got = above_command(c);
  if (k["expect"].IsScalar() && k["expect"].as<std::string>() == "none") {
    EXPECT_FALSE(got) << "excess " << got.value_or(0);
  } else {
    ASSERT_TRUE(got) << "no excess found";
    EXPECT_NEAR(*got, k["expect"]["excess"].as<double>(), 0.01);
  }
}

// ---- reboot ------------------------------------------------------------------------------
void reboot_case(const YAML::Node& k) {
  RebootSigns s;
  s.lifetime_wh_before = opt<double>(k["lifetime_wh_before"]);
  s.lifetime_wh_now = opt<double>(k["lifetime_wh_now"]);
  s.session_wh_before = opt<double>(k["session_wh_before"]);
  s.session_wh_now = opt<double>(k["session_wh_now"]);
  s.same_session = k["same_session"].as<bool>(false);
  s.readback_valid = k["readback_valid"].as<bool>(false);
  s.failsafe_read = opt<double>(k["failsafe_read"]);
  s.timeout_read = opt<double>(k["timeout_read"]);
  s.failsafe_programmed = k["failsafe_programmed"].as<double>(0);
  s.timeout_programmed = k["timeout_programmed"].as<double>(0);
  s.device_limit = opt<double>(k["device_limit"]);
  if (k["commanded"]) s.commanded = setpoint(k["commanded"]);
  s.commanded_settled = k["settled"].as<bool>(false);
  s.excess = opt<double>(k["excess"]);
  const auto v = judge_reboot(s);
  EXPECT_EQ(v.reprogram, k["expect"]["reprogram"].as<bool>()) << v.why;
  if (k["expect"]["why"]) {
    EXPECT_EQ(v.why, k["expect"]["why"].as<std::string>());
  }
}

// ---- reservation -------------------------------------------------------------------------
void reservation_case(const YAML::Node& k) {
  ReservationInput in;
  in.now = k["now"].as<double>(100);
  in.started = k["started"].as<double>(0);
  in.read_since_start = k["read_since_start"].as<bool>(true);
  in.consecutive_failures = k["failures"].as<int>(0);
  in.last_seen = opt<double>(k["last_seen"]);
  in.commanded_known = bool(k["commanded"]);
  if (in.commanded_known) in.commanded = setpoint(k["commanded"]);
  in.commanded_certain = k["certain"].as<bool>(true);
  for (const auto& h : k["history"]) in.history.push_back({h["from"].as<double>(), setpoint(h["setpoint"])});
  in.max_current = k["max"].as<double>(16);
  in.wired_phases = k["phases"].as<int>(3);
  in.driver_programs_watchdog = k["programmable_watchdog"].as<bool>(true);
  in.watchdog_read_back = k["watchdog_read_back"].as<bool>(true);
  in.car_follow_time = k["car_follow_time"].as<double>(5);
  const auto f = reservation_fields(in);
  const auto& e = k["expect"];
  if (e["reachable"]) {
    EXPECT_EQ(f.reachable, e["reachable"].as<bool>());
  }
  if (e["last_seen"]) {
    EXPECT_DOUBLE_EQ(f.last_seen, e["last_seen"].as<double>());
  }
  if (e["last_setpoint"]) {
    EXPECT_EQ(show(f.last_setpoint), show(setpoint(e["last_setpoint"])));
  }
  if (e["setpoint_known"]) {
    EXPECT_EQ(f.setpoint_known, e["setpoint_known"].as<bool>());
  }
  if (e["watchdog_verified"]) {
    EXPECT_EQ(f.watchdog_verified, e["watchdog_verified"].as<bool>());
  }
  if (e["recent"]) {
    std::vector<std::string> got, want;
    for (const auto& t : f.recent_setpoints) got.push_back(std::to_string(t.from) + " " + show(t.setpoint));
    for (const auto& h : e["recent"]) want.push_back(std::to_string(h["from"].as<double>()) + " " + show(setpoint(h["setpoint"])));
    EXPECT_EQ(got, want) << "recent setpoints";
  }
}

// ---- failsafe ----------------------------------------------------------------------------
void failsafe_case(const YAML::Node& k) {
  std::vector<FailsafeCircuit> circuits;
  for (const auto& n : k["circuits"])
    circuits.push_back({n["id"].as<std::string>(), n["parent"].as<std::string>(""), n["limit"].as<double>()});
  std::vector<FailsafeCharger> chargers;
  for (const auto& n : k["chargers"])
    chargers.push_back({n["id"].as<std::string>(), n["circuit"].as<std::string>("mains"), n["phases"].as<int>(3),
                        phase_map(n["map"]), n["failsafe"].as<double>(), n["min"].as<double>(6)});
  const auto plan = safe_failsafes(circuits, chargers, k["margin"].as<double>(0));
  for (std::size_t j = 0; j < chargers.size(); ++j) {
    const auto& want = k["expect"][chargers[j].id];
    if (want) {
      EXPECT_DOUBLE_EQ(plan.failsafe[j], want.as<double>()) << chargers[j].id;
    }
  }
  if (k["expect_why"]) {
    ASSERT_FALSE(plan.changes.empty());
    EXPECT_EQ(plan.changes.front().why, k["expect_why"].as<std::string>());
  }
  if (k["expect_unchanged"]) {
    EXPECT_TRUE(plan.changes.empty());
  }
}

const std::map<std::string, std::function<void(const YAML::Node&)>> rules{
    {"write_plan", write_plan_case},   {"reachability", reachability_case}, {"above_command", above_command_case},
    {"reboot", reboot_case},           {"reservation", reservation_case},   {"failsafe", failsafe_case},
    {"write_outcome", write_outcome_case},
};

class RuleCase : public testing::Test {
 public:
  explicit RuleCase(std::string path) : path_(std::move(path)) {}
  void TestBody() override {
    const YAML::Node k = YAML::LoadFile(path_);
    ASSERT_TRUE(k["description"]) << path_ << ": every case says what it shows";
    const auto rule = k["rule"].as<std::string>("");
    auto it = rules.find(rule);
    ASSERT_NE(it, rules.end()) << path_ << ": unknown rule '" << rule << "'";
    it->second(k);
  }

 private:
  std::string path_;
};

int register_cases() {
  const fs::path dir = fs::path(AMPGATE_SOURCE_DIR) / "tests" / "daemon_rules" / "cases";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    const std::string path = f.string();
    testing::RegisterTest("DaemonRule", f.stem().string().c_str(), nullptr, nullptr, path.c_str(), 1,
                          [path]() -> RuleCase* { return new RuleCase(path); });
  }
  return static_cast<int>(files.size());
}

const int registered_cases = register_cases();

TEST(DaemonRules, FolderHoldsACaseForEveryRule) {
  EXPECT_GE(registered_cases, 12);
}

}  // namespace
}  // namespace ampgate::gateway::test
