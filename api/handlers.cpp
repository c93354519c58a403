#include "api/handlers.h"

namespace ampgate::api::detail {

using httplib::Response;

void send_json(Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void send_error(Response& res, const ApiError& e) {
  send_json(res, e.status, {{"error", e.error}, {"field", e.field.empty() ? json(nullptr) : json(e.field)}});
}

const ChargerView* find_charger(const SiteView& site, const std::string& id) {
  for (const auto& c : site.chargers) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

ApiError no_charger(const std::string& id) { return {404, "no charger '" + id + "'", "id"}; }

}  // namespace ampgate::api::detail
