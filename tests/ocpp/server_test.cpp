// The OCPP server on loopback, driven by the tests' own charge point (test_client.h):
// who may connect, what each message gets back, broken frames, and calls that time out.
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "gateway/ocpp/server.h"
#include "tests/ocpp/test_client.h"
#include "tests/support/run_program.h"
#include "tests/support/temp_dir.h"

namespace ampgate::ocpp {
namespace {

using test::ClientOptions;
using test::OcppTestClient;
using namespace std::chrono_literals;

// What the server told the daemon, as text lines, with a bounded wait for a line.
struct Recorder : Listener {
  std::mutex m;
  std::condition_variable cv;
  std::vector<std::string> lines;
  std::vector<Incoming> messages;
  void add(std::string line) {
    std::lock_guard l(m);
    lines.push_back(std::move(line));
    cv.notify_all();
  }
  void connected(const std::string& cp) override { add("connected " + cp); }
  void disconnected(const std::string& cp, const std::string&) override { add("disconnected " + cp); }
  void refused(const std::string& cp, const std::string& why) override { add("refused " + cp + " " + why); }
  void message(const std::string& cp, const Incoming& msg) override {
    {
      std::lock_guard l(m);
      messages.push_back(msg);
    }
    add("message " + cp + " " + std::to_string(msg.index()));
  }
  bool wait_for(const std::string& prefix) {
    std::unique_lock l(m);
    return cv.wait_for(l, 10s, [&] {
      for (const auto& s : lines)
        if (s.rfind(prefix, 0) == 0) return true;
      return false;
    });
  }
  std::size_t count(const std::string& prefix) {
    std::lock_guard l(m);
    return static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), [&](auto& s) { return s.rfind(prefix, 0) == 0; }));
  }
};

// Results of server.call(), collected from the server thread.
struct Outcomes {
  std::mutex m;
  std::condition_variable cv;
  std::vector<CallOutcome> got;
  CallDone sink() {
    return [this](const CallOutcome& o) {
      std::lock_guard l(m);
      got.push_back(o);
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n) {
    std::unique_lock l(m);
    return cv.wait_for(l, 10s, [&] { return got.size() >= n; });
  }
  std::size_t size() {
    std::lock_guard l(m);
    return got.size();
  }
};

ServerOptions options() {
  ServerOptions o;
  o.charge_points = {{"evnet-1", "s3cret-password-1"}, {"evnet-2", "another-password"}};
  o.heartbeat_interval_s = 120;
  return o;
}

ClientOptions as(const std::string& id, std::optional<std::string> password) {
  ClientOptions o;
  o.id = id;
  o.password = std::move(password);
  return o;
}
ClientOptions evnet1() { return as("evnet-1", "s3cret-password-1"); }

class OcppServer : public ::testing::Test {
 protected:
  void SetUp() override { start(options()); }
  void start(ServerOptions o) {
    server_ = std::make_unique<Server>(std::move(o), recorder_);
    const std::string err = server_->start();
    ASSERT_EQ(err, "");
  }
  Json call(OcppTestClient& c, const std::string& action, const Json& payload) {
    auto reply = c.call(action, payload);
    EXPECT_TRUE(reply) << action << ": no answer";
    return reply.value_or(Json());
  }
  Recorder recorder_;
  std::unique_ptr<Server> server_;
};

const Json boot = {{"chargePointVendor", "EVNET"}, {"chargePointModel", "EVNET-1"}};

TEST_F(OcppServer, AChargePointOfferingOcpp16IsConnectedAndToldTheSubprotocol) {
  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  EXPECT_EQ(c.protocol(), "ocpp1.6");
  ASSERT_TRUE(recorder_.wait_for("connected evnet-1"));
  EXPECT_TRUE(server_->connected("evnet-1"));
  EXPECT_FALSE(server_->connected("evnet-2"));
  c.close();
  ASSERT_TRUE(recorder_.wait_for("disconnected evnet-1"));
  EXPECT_FALSE(server_->connected("evnet-1"));
}

TEST_F(OcppServer, WithoutTheSubprotocolTheUpgradeIsRefused) {
  OcppTestClient c;
  auto o = evnet1();
  o.protocols = {};
  EXPECT_EQ(c.connect(server_->port(), o), 400);
  OcppTestClient d;
  o.protocols = {"ocpp2.0.1"};
  EXPECT_EQ(d.connect(server_->port(), o), 400);
  EXPECT_EQ(server_->stats().refused_subprotocol, 2u);
  EXPECT_EQ(server_->stats().connections, 0u);
}

TEST_F(OcppServer, BadPasswordUnknownIdAndMissingCredentialsAreRefusedBeforeTheUpgrade) {
  OcppTestClient wrong, unknown, anonymous, borrowed;
  auto o = evnet1();
  o.password = "guess";
  EXPECT_EQ(wrong.connect(server_->port(), o), 401);
  EXPECT_EQ(unknown.connect(server_->port(), as("evnet-9", "s3cret-password-1")), 404);
  EXPECT_EQ(anonymous.connect(server_->port(), as("evnet-1", std::nullopt)), 401);
  EXPECT_EQ(borrowed.connect(server_->port(), as("evnet-1", "another-password")), 401);
  const auto s = server_->stats();
  EXPECT_EQ(s.refused_credentials, 3u);
  EXPECT_EQ(s.refused_unknown_id, 1u);
  EXPECT_EQ(s.connections, 0u);
  EXPECT_FALSE(server_->connected("evnet-1"));
}

TEST_F(OcppServer, TheChargersMessagesAreAnsweredAndReported) {
  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  Json b = call(c, "BootNotification", boot);
  ASSERT_EQ(b[0], 3);
  EXPECT_EQ(b[2]["status"], "Accepted");
  EXPECT_EQ(b[2]["interval"], 120);
  EXPECT_EQ(call(c, "Heartbeat", Json::object())[2].count("currentTime"), 1u);
  EXPECT_EQ(call(c, "StatusNotification", {{"connectorId", 1}, {"errorCode", "NoError"}, {"status", "Preparing"}})[2],
            Json::object());
  EXPECT_EQ(call(c, "Authorize", {{"idTag", "TAG1"}})[2]["idTagInfo"]["status"], "Accepted");
  Json st = call(c, "StartTransaction",
                 {{"connectorId", 1}, {"idTag", "TAG1"}, {"meterStart", 1000}, {"timestamp", "2026-12-01T10:00:00Z"}});
  ASSERT_TRUE(st[2]["transactionId"].is_number_integer());
  const int tx = st[2]["transactionId"];
  Json mv = {{"connectorId", 1}, {"transactionId", tx},
             {"meterValue", {{{"timestamp", "2026-12-01T10:01:00Z"},
                              {"sampledValue", {{{"value", "15.9"}, {"measurand", "Current.Import"}, {"phase", "L1"}},
                                                {{"value", "16.0"}, {"measurand", "Current.Offered"}, {"phase", "L1"}}}}}}}};
  EXPECT_EQ(call(c, "MeterValues", mv)[2], Json::object());
  EXPECT_EQ(call(c, "StopTransaction", {{"transactionId", tx}, {"meterStop", 4000}, {"timestamp", "2026-12-01T11:00:00Z"}})[0], 3);
  EXPECT_EQ(call(c, "DataTransfer", {{"vendorId", "EVNET"}, {"messageId", "diag"}})[2]["status"], "Accepted");

  ASSERT_TRUE(recorder_.wait_for("message evnet-1 " + std::to_string(Incoming(DataTransfer{}).index())));
  std::lock_guard l(recorder_.m);
  ASSERT_EQ(recorder_.messages.size(), 8u);  // one per call, in order
  EXPECT_EQ(std::get<BootNotification>(recorder_.messages[0]).model, "EVNET-1");
  EXPECT_EQ(std::get<StartTransaction>(recorder_.messages[4]).transaction_id, tx);
  const auto& meter = std::get<MeterValues>(recorder_.messages[5]);
  EXPECT_DOUBLE_EQ(meter.values[0].samples[0].value, 15.9);
  EXPECT_EQ(meter.values[0].samples[1].measurand, "Current.Offered");
  EXPECT_EQ(std::get<StopTransaction>(recorder_.messages[6]).transaction_id, tx);
}

TEST_F(OcppServer, MalformedFramesGetACallErrorAndTheServerKeepsServing) {
  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  auto code_of = [&](const std::string& text) {
    EXPECT_TRUE(c.send_text(text));
    auto reply = c.receive();
    EXPECT_TRUE(reply) << text;
    Json j = Json::parse(reply.value_or("[]"), nullptr, false);
    return j.is_array() && j.size() == 5 && j[0] == 4 ? j[1].get<std::string>() + " " + j[2].get<std::string>() : "?";
  };
  EXPECT_EQ(code_of("this is not json"), "-1 FormationViolation");
  EXPECT_EQ(code_of(R"([2,"a1","Heartbeat"])"), "a1 FormationViolation");
  EXPECT_EQ(code_of(R"([9,"a2",{}])"), "a2 ProtocolError");
  EXPECT_EQ(code_of(R"([2,"a3","MakeCoffee",{}])"), "a3 NotImplemented");
  EXPECT_EQ(code_of(R"([2,"a4","BootNotification",{"chargePointVendor":"EVNET"}])"), "a4 ProtocolError");
  EXPECT_EQ(code_of(R"([2,"a5","BootNotification",{"chargePointVendor":5,"chargePointModel":"m"}])"),
            "a5 TypeConstraintViolation");
  EXPECT_EQ(code_of(R"([2,"a6","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Dancing"}])"),
            "a6 PropertyConstraintViolation");
  // A reply to a call never made is dropped, not answered: the next answer is the heartbeat's.
  ASSERT_TRUE(c.send_text(R"([3,"never-asked",{}])"));
  Json hb = call(c, "Heartbeat", Json::object());
  EXPECT_EQ(hb[0], 3);

  // Another charge point is served as well.
  OcppTestClient other;
  ASSERT_EQ(other.connect(server_->port(), as("evnet-2", "another-password")), 101);
  EXPECT_EQ(call(other, "BootNotification", boot)[2]["status"], "Accepted");

  const auto s = server_->stats();
  EXPECT_EQ(s.malformed_frames, 3u);  // not JSON, no payload, unknown type
  EXPECT_EQ(s.call_errors_sent[static_cast<int>(ErrorCode::FormationViolation)], 2u);
  EXPECT_EQ(s.call_errors_sent[static_cast<int>(ErrorCode::ProtocolError)], 2u);
  EXPECT_EQ(s.call_errors_sent[static_cast<int>(ErrorCode::NotImplemented)], 1u);
  EXPECT_EQ(s.call_errors_sent[static_cast<int>(ErrorCode::TypeConstraintViolation)], 1u);
  EXPECT_EQ(s.call_errors_sent[static_cast<int>(ErrorCode::PropertyConstraintViolation)], 1u);
  EXPECT_EQ(s.replies_unmatched, 1u);
}

TEST_F(OcppServer, ACallIsAnsweredWithTheChargersReply) {
  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  ASSERT_TRUE(recorder_.wait_for("connected evnet-1"));
  Outcomes out;
  server_->call("evnet-1", change_configuration("MeterValueSampleInterval", "10"), 10s, out.sink());
  auto req = c.next_call();
  ASSERT_TRUE(req);
  EXPECT_EQ((*req)[2], "ChangeConfiguration");
  EXPECT_EQ((*req)[3]["value"], "10");
  ASSERT_TRUE(c.send_text(Json::array({3, (*req)[1], {{"status", "Accepted"}}}).dump()));
  ASSERT_TRUE(out.wait_for(1));
  EXPECT_EQ(out.got[0].status, CallStatus::result);
  EXPECT_EQ(out.got[0].payload["status"], "Accepted");

  server_->call("evnet-1", reset(false), 10s, out.sink());
  req = c.next_call();
  ASSERT_TRUE(req);
  ASSERT_TRUE(c.send_text(Json::array({4, (*req)[1], "NotSupported", "no", Json::object()}).dump()));
  ASSERT_TRUE(out.wait_for(2));
  EXPECT_EQ(out.got[1].status, CallStatus::error);
  EXPECT_EQ(out.got[1].error.code, ErrorCode::NotSupported);
}

TEST_F(OcppServer, AnUnansweredCallTimesOutAndOnlyThenIsTheNextOneSent) {
  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  ASSERT_TRUE(recorder_.wait_for("connected evnet-1"));
  Outcomes out;
  server_->call("evnet-1", trigger_message(TriggerKind::StatusNotification, 1), 300ms, out.sink());
  server_->call("evnet-1", reset(true), 10s, out.sink());
  auto first = c.next_call();
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)[2], "TriggerMessage");
  auto second = c.next_call();  // not answering the first
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)[2], "Reset");
  // One outstanding call per charge point: the second came only after the first had timed out.
  {
    std::lock_guard l(out.m);
    ASSERT_EQ(out.got.size(), 1u);
    EXPECT_EQ(out.got[0].status, CallStatus::timeout);
  }
  // The late answer to the first is not taken for the second.
  ASSERT_TRUE(c.send_text(Json::array({3, (*first)[1], {{"status", "Accepted"}}}).dump()));
  ASSERT_TRUE(c.send_text(Json::array({3, (*second)[1], {{"status", "Rejected"}}}).dump()));
  ASSERT_TRUE(out.wait_for(2));
  EXPECT_EQ(out.got[1].payload["status"], "Rejected");
  EXPECT_EQ(server_->stats().call_timeouts, 1u);
  EXPECT_EQ(server_->stats().replies_unmatched, 1u);
}

TEST_F(OcppServer, CallsToAnAbsentOrLostChargePointFailAtOnce) {
  Outcomes out;
  server_->call("evnet-2", reset(false), 10s, out.sink());
  server_->call("evnet-1", change_configuration(std::string(60, 'k'), "1"), 10s, out.sink());
  ASSERT_TRUE(out.wait_for(2));
  std::vector<CallStatus> got{out.got[0].status, out.got[1].status};
  EXPECT_NE(std::find(got.begin(), got.end(), CallStatus::not_connected), got.end());
  EXPECT_NE(std::find(got.begin(), got.end(), CallStatus::invalid), got.end());

  OcppTestClient c;
  ASSERT_EQ(c.connect(server_->port(), evnet1()), 101);
  ASSERT_TRUE(recorder_.wait_for("connected evnet-1"));
  server_->call("evnet-1", reset(false), 10s, out.sink());
  ASSERT_TRUE(c.next_call());
  c.close();
  ASSERT_TRUE(out.wait_for(3));
  EXPECT_EQ(out.got[2].status, CallStatus::connection_lost);
}

TEST_F(OcppServer, AReconnectReplacesTheOldConnection) {
  OcppTestClient a, b;
  ASSERT_EQ(a.connect(server_->port(), evnet1()), 101);
  ASSERT_TRUE(recorder_.wait_for("connected evnet-1"));
  ASSERT_EQ(b.connect(server_->port(), evnet1()), 101);
  EXPECT_EQ(call(b, "Heartbeat", Json::object())[0], 3);
  EXPECT_FALSE(a.receive());  // the old link was closed by the server
  EXPECT_TRUE(server_->connected("evnet-1"));
  EXPECT_EQ(recorder_.count("disconnected evnet-1"), 0u);
}

TEST(OcppServerTls, AChargePointConnectsOverTlsWithItsPassword) {
  test::TempDir dir("ocpp-tls");
  const std::string cert = (dir.path() / "cert.pem").string(), key = (dir.path() / "key.pem").string();
  auto made = test::run_shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout '" + key + "' -out '" + cert +
                              "' -days 1 -subj /CN=127.0.0.1");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  Recorder recorder;
  auto o = options();
  o.tls_cert_file = cert;
  o.tls_key_file = key;
  Server server(o, recorder);
  ASSERT_EQ(server.start(), "");
  OcppTestClient c;
  auto co = evnet1();
  co.tls = true;
  ASSERT_EQ(c.connect(server.port(), co), 101);
  auto reply = c.call("BootNotification", boot);
  ASSERT_TRUE(reply);
  EXPECT_EQ((*reply)[2]["status"], "Accepted");
  OcppTestClient wrong;
  co.password = "guess";
  EXPECT_EQ(wrong.connect(server.port(), co), 401);
  // A plain client on the TLS port never gets in.
  OcppTestClient plain;
  EXPECT_NE(plain.connect(server.port(), evnet1()), 101);
}

TEST(OcppServerTls, AMissingCertificateStopsTheStartWithItsName) {
  Recorder recorder;
  auto o = options();
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  Server server(o, recorder);
  EXPECT_NE(server.start().find("/nonexistent/cert.pem"), std::string::npos);
}

}  // namespace
}  // namespace ampgate::ocpp
