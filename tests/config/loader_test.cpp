// The loader as other code uses it: what lands in the model, and the problems it reports.
#include <gtest/gtest.h>

#include <algorithm>

#include "gateway/config_load.h"
#include "gateway/config_tree.h"

using namespace ampgate::config;

namespace {

// A small valid 3-phase site that each test extends.
const std::string base = R"(site:
  name: Test
  phases: 3
  mains_fuse: 25
buses:
  - id: rs485
    rtu: {port: /dev/ttyUSB0}
  - id: lan
    tcp: {host: 192.168.1.40}
)";

std::string messages(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.format() + "\n";
  return out;
}

// The one problem at `path`, or a failure.
const Problem* problem_at(const LoadResult& r, const std::string& path) {
  auto it = std::find_if(r.problems.begin(), r.problems.end(), [&](const Problem& p) { return p.path == path; });
  return it == r.problems.end() ? nullptr : &*it;
}

TEST(Loader, ReadsChargerPhaseMapAndModelDefaults) {
  auto r = load_site_text(base + R"(chargers:
  - id: keba
    model: keba_p30
    bus: lan
    phase_map: [L2, L3, L1]
    max_current: 32
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  const Charger* c = r.site->find_charger("keba");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->phase_map, (std::array<Phase, 3>{Phase::L2, Phase::L3, Phase::L1}));
  EXPECT_EQ(c->unit, 255) << "KEBA answers on unit 255 unless the file says otherwise";
  EXPECT_EQ(c->circuit, "mains");
  EXPECT_EQ(c->phases, 3);
  EXPECT_DOUBLE_EQ(c->min_current, 6.0);
  EXPECT_DOUBLE_EQ(c->max_current, 32.0);
  EXPECT_EQ(c->where.line, 11);
  EXPECT_EQ(c->where.file, "t.yaml");
}

TEST(Loader, OnePhaseChargerNeedsOnlyItsPhase) {
  auto r = load_site_text(base + R"(chargers:
  - {id: c, model: teltocharge, bus: rs485, unit: 3, phases: 1, phase_map: [L3], max_current: 16}
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  EXPECT_EQ(r.site->chargers[0].phase_map[0], Phase::L3);
}

TEST(Loader, OnePhaseSiteMakesChargersAndPolicyOnePhase) {
  auto r = load_site_text(R"(site: {name: Flat, phases: 1, mains_fuse: 40}
buses: [{id: b, rtu: {port: /dev/ttyS1}}]
chargers: [{id: c, model: smartevse, bus: b, unit: 1, max_current: 32}]
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  EXPECT_EQ(r.site->chargers[0].phases, 1);
  EXPECT_EQ(r.site->policy.phase_mode, PhaseMode::one);
}

TEST(Loader, EffectiveLimitIsTheSmallestOnTheWayUpMinusTheMargin) {
  auto r = load_site_text(R"(site: {name: T, phases: 3, mains_fuse: 25, safety_margin: 1}
buses: [{id: b, rtu: {port: /dev/ttyS1}}]
circuits:
  - {id: sub, limit: 20}
  - {id: garage, parent: sub, limit: 16}
chargers: [{id: c, model: teltocharge, bus: b, unit: 1, circuit: garage, max_current: 16}]
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  EXPECT_DOUBLE_EQ(effective_limit(*r.site, "mains"), 24.0);
  EXPECT_DOUBLE_EQ(effective_limit(*r.site, "sub"), 19.0);
  EXPECT_DOUBLE_EQ(effective_limit(*r.site, "garage"), 15.0);
}

TEST(Loader, P1MetersAreReachedByPortOrHost) {
  auto r = load_site_text(base + R"(meters:
  - {id: p1, model: p1_serial, port: /dev/ttyUSB1, role: mains}
  - {id: hw, model: homewizard_p1, host: 192.168.1.50, role: solar}
  - {id: bridge, model: p1_tcp, host: 192.168.1.51, port: 2001, role: ev}
chargers: [{id: c, model: teltocharge, bus: rs485, unit: 1, max_current: 16}]
site_extra: 1
)", "t.yaml");
  // site_extra is an unknown top-level key; everything else is fine.
  ASSERT_EQ(r.problems.size(), 2u) << messages(r);
  EXPECT_NE(problem_at(r, "site_extra"), nullptr) << messages(r);
  EXPECT_NE(problem_at(r, "meters[0].role"), nullptr) << "a mains meter the site does not name";

  auto good = load_site_text(R"(site: {name: T, phases: 3, mains_fuse: 25, mains_meter: p1}
buses: [{id: rs485, rtu: {port: /dev/ttyS1}}]
meters:
  - {id: p1, model: p1_serial, port: /dev/ttyUSB1, role: mains}
  - {id: hw, model: homewizard_p1, host: 192.168.1.50, role: solar}
chargers: [{id: c, model: teltocharge, bus: rs485, unit: 1, max_current: 16}]
)", "t.yaml");
  ASSERT_TRUE(good.site) << messages(good);
  EXPECT_EQ(good.site->find_meter("p1")->serial_port, "/dev/ttyUSB1");
  EXPECT_TRUE(good.site->find_meter("p1")->bus.empty());
  EXPECT_EQ(good.site->find_meter("hw")->host, "192.168.1.50");
  EXPECT_EQ(good.site->find_meter("hw")->tcp_port, 80) << "HomeWizard's local API is plain HTTP";
}

TEST(Loader, P1MeterRejectsModbusKeys) {
  auto r = load_site_text(base + R"(meters:
  - {id: p1, model: p1_serial, port: /dev/ttyUSB1, bus: rs485, role: ev}
)", "t.yaml");
  const Problem* p = problem_at(r, "meters[0].bus");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_NE(p->message.find("own serial 'port'"), std::string::npos) << p->message;
}

TEST(Loader, CustomMeterRegistersBecomeRegisterSpecs) {
  auto r = load_site_text(R"(site: {name: T, phases: 1, mains_fuse: 40, mains_meter: m}
buses: [{id: b, rtu: {port: /dev/ttyS1}}]
meters:
  - id: m
    model: custom
    bus: b
    unit: 20
    role: mains
    registers:
      current_l1: {address: 6, function: input, type: f32, word_order: low_first, scale: 0.001}
      import_energy: {address: 801, type: f64}
chargers: [{id: c, model: teltocharge, bus: b, unit: 1, max_current: 16}]
)", "t.yaml");
  ASSERT_TRUE(r.site) << messages(r);
  const auto& table = *r.site->find_meter("m")->custom;
  const auto& spec = table.at("current_l1");
  EXPECT_EQ(spec.address, 6);
  EXPECT_EQ(spec.function, ampgate::modbus::Function::read_input);
  EXPECT_EQ(spec.type, ampgate::modbus::ValueType::f32);
  EXPECT_EQ(spec.order, ampgate::modbus::WordOrder::low_first);
  EXPECT_DOUBLE_EQ(spec.scale, 0.001);
  EXPECT_EQ(table.at("import_energy").type, ampgate::modbus::ValueType::f64);
  EXPECT_EQ(table.at("import_energy").word_count(), 4);
}

TEST(Loader, CustomMeterOnThreePhasesNeedsEveryPhaseCurrent) {
  auto r = load_site_text(base + R"(meters:
  - id: m
    model: custom
    bus: rs485
    unit: 20
    role: ev
    registers:
      current_l1: {address: 6}
      curent_l2: {address: 8}
)", "t.yaml");
  EXPECT_NE(problem_at(r, "meters[0].registers.curent_l2"), nullptr) << messages(r);
  std::string all = messages(r);
  EXPECT_NE(all.find("did you mean 'current_l2'"), std::string::npos) << all;
  EXPECT_NE(all.find("missing register 'current_l2'"), std::string::npos) << all;
  EXPECT_NE(all.find("missing register 'current_l3'"), std::string::npos) << all;
}

TEST(Loader, GenericChargerSetpointMustBeWritable) {
  auto r = load_site_text(base + R"(chargers:
  - id: g
    model: generic
    bus: rs485
    unit: 4
    max_current: 16
    registers:
      current_setpoint: {address: 100, function: input}
)", "t.yaml");
  const Problem* p = problem_at(r, "chargers[0].registers.current_setpoint.function");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_EQ(p->where.line, 17);  // the current_setpoint line
  EXPECT_NE(p->message.find("holding"), std::string::npos);
}

TEST(Loader, TcpChargerOnAnRs485BusIsRejected) {
  auto r = load_site_text(base + R"(chargers:
  - {id: k, model: keba_p30, bus: rs485, unit: 1, max_current: 32}
)", "t.yaml");
  const Problem* p = problem_at(r, "chargers[0].bus");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_NE(p->message.find("Modbus TCP"), std::string::npos) << p->message;
}

TEST(Loader, UnitTwoFiftyFiveIsFineOnTcpOnly) {
  auto tcp = load_site_text(base + "chargers: [{id: v, model: vestel_evc04, bus: lan, unit: 255, max_current: 32}]\n",
                            "t.yaml");
  EXPECT_TRUE(tcp.site) << messages(tcp);
  auto rtu = load_site_text(base + "chargers: [{id: v, model: generic, bus: rs485, unit: 255, max_current: 32, "
                                   "registers: {current_setpoint: {address: 1}}}]\n",
                            "t.yaml");
  EXPECT_NE(problem_at(rtu, "chargers[0].unit"), nullptr) << messages(rtu);
}

TEST(Loader, RepeatedKeyIsReported) {
  auto r = load_site_text(base + R"(chargers:
  - id: a
    model: teltocharge
    bus: rs485
    unit: 1
    max_current: 16
    max_current: 32
)", "t.yaml");
  const Problem* p = problem_at(r, "chargers[0].max_current");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_EQ(p->where.line, 16);
  EXPECT_NE(p->message.find("twice"), std::string::npos);
}

TEST(Loader, SolarModeNeedsAMainsMeter) {
  auto r = load_site_text(base + "chargers: [{id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 16, "
                                 "mode: solar}]\n",
                          "t.yaml");
  const Problem* p = problem_at(r, "chargers[0].mode");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_NE(p->message.find("site.mains_meter"), std::string::npos);
}

TEST(Loader, ChargerThatCouldNeverChargeIsReported) {
  auto r = load_site_text(base + R"(circuits: [{id: tiny, limit: 10}]
chargers: [{id: a, model: teltocharge, bus: rs485, unit: 1, circuit: tiny, min_current: 12, max_current: 16}]
)", "t.yaml");
  const Problem* p = problem_at(r, "chargers[0].circuit");
  ASSERT_NE(p, nullptr) << messages(r);
  EXPECT_NE(p->message.find("never charge"), std::string::npos) << p->message;
}

TEST(Loader, EmptyFileSaysWhatASiteNeeds) {
  auto r = load_site_text("# nothing yet\n", "empty.yaml");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].format().rfind("empty.yaml:1:1: ", 0), 0u) << r.problems[0].format();
  EXPECT_NE(r.problems[0].message.find("site:"), std::string::npos);
}

TEST(Loader, ProblemFormatIsFileLineColumnPathMessage) {
  Problem p{{"site.yaml", 14, 7}, "chargers[2].max_current", "90 A is outside 6–80 A"};
  EXPECT_EQ(p.format(), "site.yaml:14:7: chargers[2].max_current: 90 A is outside 6–80 A");
  Problem unreadable{{"gone.yaml", 0, 0}, "", "cannot read the site file"};
  EXPECT_EQ(unreadable.format(), "gone.yaml: cannot read the site file");
}

TEST(Loader, SiteIsOnlySetWithoutProblems) {
  auto r = load_site_text(base + "chargers: [{id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 81}]\n",
                          "t.yaml");
  EXPECT_FALSE(r.site);
  EXPECT_EQ(r.problems.size(), 1u) << messages(r);
}

}  // namespace

namespace {

TEST(Loader, ABadValueIsReportedOnceWithoutDerivedComplaints) {
  // unit -1 is out of range; the default unit must not then "clash" with the first charger.
  auto r = load_site_text(base + R"(chargers:
  - {id: a, model: teltocharge, bus: rs485, unit: 1, max_current: 16}
  - {id: b, model: teltocharge, bus: rs485, unit: -1, max_current: 16}
)", "t.yaml");
  ASSERT_EQ(r.problems.size(), 1u) << messages(r);
  EXPECT_EQ(r.problems[0].path, "chargers[1].unit");
}

TEST(Loader, ADirectoryIsNotASiteFile) {
  auto r = load_site_file(AMPGATE_SOURCE_DIR "/examples");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].message.find("directory"), std::string::npos) << r.problems[0].message;
}

}  // namespace
