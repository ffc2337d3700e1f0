// dtoken-mock: a stateful mock of a Dynatrace environment's token API.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <variant>

#include <openssl/rand.h>

#include <array>

#include "api.h"
#include "control.h"
#include "dtoken/validate.h"
#include "dtoken/version.h"
#include "server.h"
#include "tls_certificate.h"

namespace po = boost::program_options;

namespace {

enum exit_code : int { exit_ok = 0, exit_usage = 2, exit_io = 3 };

constexpr const char* usage =
    "Usage: dtoken-mock [--port N] [--host ADDRESS] [--admin-token TOKEN] [--seed-file FILE]\n"
    "                   [--control-key KEY] [--rate-limit N] [--state FILE]\n"
    "                   [--tls-cert FILE --tls-key FILE | --tls-self-signed]\n"
    "\n"
    "Serves a Dynatrace environment's token API from memory, under /api/..., "
    "/e/{environment}/api/...\n"
    "and /platform/classic/environment-api/... Prints its URL and, unless --admin-token is given,\n"
    "a new admin token (every scope) once, and a key for the control API under /_dtoken/ (reset,\n"
    "seeds, journal, faults, clock; header X-Dtoken-Control-Key). GET /_dtoken/health tells\n"
    "readiness.\n"
    "Logs one JSON line per request on standard error: token IDs, never secrets. SIGINT or\n"
    "SIGTERM stop it.\n"
    "\n"
    "Exit codes: 0 stopped by a signal, 2 usage error (a bad option, token or seed file), 3 the\n"
    "port could not be bound or the port file written.\n";

// A seed of a JSON line: nullopt for a line that only sets tokenSettings. Throws
// std::runtime_error with what is wrong.
std::optional<dtoken::mock::seed_spec> read_json_seed(dtoken::mock::token_api& api,
                                                      const std::string& line) {
  boost::system::error_code failure;
  const boost::json::value value = boost::json::parse(line, failure);
  if (failure || !value.is_object()) throw std::runtime_error("not a JSON object");
  const boost::json::object& object = value.as_object();
  if (const auto* settings = object.if_contains("tokenSettings")) {
    if (auto problem = dtoken::mock::seed_token_settings(api, *settings)) {
      throw std::runtime_error(*problem);
    }
    if (object.size() == 1) return std::nullopt;
  }
  auto read = dtoken::mock::read_seed(object, api.now());
  if (auto* problem = std::get_if<std::string>(&read)) throw std::runtime_error(*problem);
  return std::get<dtoken::mock::seed_spec>(std::move(read));
}

// Seeds the tokens of `path`: one per line, as `dtoken generate` writes them (text, csv or
// jsonl; a JSON line may also give the fields of a seed, seeds.h). Checked as POST
// /_dtoken/seeds checks them. Throws std::runtime_error.
std::size_t load_seeds(dtoken::mock::token_api& api, const std::string& path, bool restored) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read seed file " + path);
  std::string line;
  std::size_t number = 0;
  std::size_t loaded = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    dtoken::mock::seed_spec seed;
    try {
      if (line.front() == '{') {
        auto read = read_json_seed(api, line);
        if (!read) continue;
        seed = std::move(*read);
      } else {
        seed.token = dtoken::mock::token_of_line(line);
        if (seed.token.empty() && number == 1 && line.find("token") != std::string::npos) {
          continue;  // a CSV header
        }
      }
    } catch (const std::runtime_error& failure) {
      throw std::runtime_error(where + failure.what());
    }
    // A token the restored state already holds is kept as it is there.
    if (restored && api.adopt_seed(seed.token)) {
      ++loaded;
      continue;
    }
    if (const std::optional<std::string> refused = api.seed(seed)) {
      throw std::runtime_error(where + *refused);
    }
    ++loaded;
  }
  return loaded;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path);
  return text.str();
}

void write_port_file(const std::string& path, unsigned short port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out) throw std::runtime_error("cannot write port file " + path);
  }
  std::filesystem::rename(temporary, path);
}

// A failure to start: its message and the exit code.
struct startup_error : std::runtime_error {
  startup_error(const std::string& message, int status)
      : std::runtime_error(message), code(status) {}
  int code;
};

// What the command line asks for.
struct mock_config {
  std::string host = "127.0.0.1";
  unsigned port = 8080;
  unsigned threads = std::max(2U, std::thread::hardware_concurrency());
  std::string admin_token;
  std::string seed_file;
  std::string port_file;
  std::string environment = "mock00001";
  std::string cluster_version = dtoken::mock::default_cluster_version;
  bool quiet = false;
  std::string state_path;
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  std::string control_key;
  unsigned idle_timeout = 30;
  unsigned rate_limit = 0;
  std::string token_settings;      // "newDynatraceTokenFormatEnabled=false,patEnabled=false"
  std::string installer_versions;  // "1.329.42.20261113-094512,..."
  std::string network_zones;       // "default,zone-b"

  [[nodiscard]] bool https() const { return tls_self_signed || !tls_cert.empty(); }
};

po::options_description describe_options(mock_config& c) {
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "version", "show the version and exit")("host", po::value(&c.host)->default_value(c.host),
                                              "address to bind")(
      "port,p", po::value(&c.port)->default_value(c.port), "port to bind (0: any free port)")(
      "port-file", po::value(&c.port_file), "write the bound port to FILE")(
      "admin-token", po::value(&c.admin_token),
      "a token with every scope (default: a new one, printed once)")(
      "seed-file", po::value(&c.seed_file), "tokens with known secrets, as dtoken generate writes")(
      "environment-id", po::value(&c.environment)->default_value(c.environment),
      "the environment ID (tenantUUID)")(
      "cluster-version", po::value(&c.cluster_version)->default_value(c.cluster_version),
      "the version GET /api/v1/config/clusterversion reports")(
      "threads", po::value(&c.threads)->default_value(c.threads), "worker threads")(
      "quiet,q", po::bool_switch(&c.quiet), "no request log")(
      "control-key", po::value(&c.control_key),
      "the key of the control API /_dtoken/ (default: a new one, printed once)")(
      "token-settings", po::value(&c.token_settings),
      "the token settings at start, as NAME=true|false,...: newDynatraceTokenFormatEnabled "
      "(false: new tokens are old-format), patEnabled (false: no personal access tokens)")(
      "installer-versions", po::value(&c.installer_versions),
      "the OneAgent and ActiveGate versions the deployment API offers, comma-separated (default: "
      "three current ones; the greatest is the latest)")(
      "network-zones", po::value(&c.network_zones),
      "the network zones the deployment API knows, comma-separated (default: default)")(
      "rate-limit", po::value(&c.rate_limit)->default_value(c.rate_limit),
      "requests per minute per token, 429 beyond (0: no limit)")(
      "state", po::value(&c.state_path),
      "keep the state in FILE (SQLite, WAL): acknowledged changes survive kill -9 and restarts")(
      "tls-cert", po::value(&c.tls_cert), "serve HTTPS with this certificate chain (PEM)")(
      "tls-key", po::value(&c.tls_key), "the private key of --tls-cert (PEM)")(
      "tls-self-signed", po::bool_switch(&c.tls_self_signed),
      "serve HTTPS with a certificate made at start")(
      "idle-timeout", po::value(&c.idle_timeout)->default_value(c.idle_timeout),
      "seconds a connection may take to send a whole request (a slow client is cut off) or stay "
      "idle between requests");
  return options;
}

// The configuration, or the exit code to leave with now (after --help, --version or an error).
std::variant<mock_config, int> parse_command_line(int argc, char** argv) {
  mock_config c;
  const po::options_description options = describe_options(c);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), values);
    po::notify(values);
  } catch (const po::error& error) {
    std::cerr << "dtoken-mock: " << error.what() << "\nTry 'dtoken-mock --help'.\n";
    return exit_usage;
  }
  if (values.count("help") != 0) {
    std::cout << "dtoken-mock " << DTOKEN_VERSION_STRING << '\n' << usage << '\n' << options;
    return exit_ok;
  }
  if (values.count("version") != 0) {
    std::cout << "dtoken-mock " << DTOKEN_VERSION_STRING << '\n';
    return exit_ok;
  }
  if (c.tls_cert.empty() != c.tls_key.empty() || (c.tls_self_signed && !c.tls_cert.empty())) {
    std::cerr << "dtoken-mock: give --tls-cert with --tls-key, or --tls-self-signed\n";
    return exit_usage;
  }
  if (c.port > 65535 || c.threads == 0 || c.threads > 256) {
    std::cerr << "dtoken-mock: --port takes 0 to 65535 and --threads 1 to 256\n";
    return exit_usage;
  }
  for (const auto& [list, name] : {std::pair{&c.installer_versions, "--installer-versions"},
                                   std::pair{&c.network_zones, "--network-zones"}}) {
    const bool bad = list->find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_,") !=
                     std::string::npos;
    if (bad || list->starts_with(',') || list->ends_with(',') ||
        list->find(",,") != std::string::npos) {
      std::cerr << "dtoken-mock: " << name
                << " takes names of [A-Za-z0-9._-], separated by commas\n";
      return exit_usage;
    }
  }
  if (c.idle_timeout == 0 || c.idle_timeout > 86'400) {
    std::cerr << "dtoken-mock: --idle-timeout takes 1 to 86400 seconds\n";
    return exit_usage;
  }
  return c;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) items.push_back(item);
  return items;
}

// As many connections as the system lets this process have: the soft limit on file descriptors
// (often 1024) up to the hard one. Beyond it, accepting pauses (server.cc).
void raise_file_limit() {
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

// --token-settings NAME=true|false,...: the properties of builtin:tokens.token-settings, read
// as a seed's "tokenSettings" object (which checks the names). Throws startup_error.
void apply_token_settings(dtoken::mock::token_api& api, const std::string& text) {
  boost::json::object settings;
  for (const std::string& item : split_list(text)) {
    const std::size_t equals = item.find('=');
    const std::string value = equals == std::string::npos ? "" : item.substr(equals + 1);
    if (value != "true" && value != "false") {
      throw startup_error("--token-settings: '" + item + "' is not NAME=true|false", exit_usage);
    }
    settings[item.substr(0, equals)] = value == "true";
  }
  if (auto problem = dtoken::mock::seed_token_settings(api, settings)) {
    throw startup_error("--token-settings: " + *problem, exit_usage);
  }
}

// Loads the state file, the seeds and the admin token. Returns the admin token to show (empty
// when --admin-token gave it). Throws startup_error.
std::string load_start_state(const mock_config& c, dtoken::mock::token_api& api,
                             std::unique_ptr<dtoken::mock::state_file>& state) {
  try {
    if (!c.state_path.empty()) {
      state = std::make_unique<dtoken::mock::state_file>(c.state_path);
      api.attach_state(*state);
    }
    const bool restored = state != nullptr && state->existed();
    if (!c.seed_file.empty()) load_seeds(api, c.seed_file, restored);
    if (!c.token_settings.empty()) apply_token_settings(api, c.token_settings);
    if (!c.admin_token.empty()) {
      if (!dtoken::is_valid(c.admin_token, dtoken::profile::family) ||
          (!(restored && api.adopt_seed(c.admin_token)) &&
           !api.seed(c.admin_token, "dtoken-mock admin", "admin"))) {
        throw startup_error("--admin-token is not a valid token", exit_usage);
      }
      return {};
    }
  } catch (const startup_error&) {
    throw;
  } catch (const std::exception& error) {
    throw startup_error(error.what(), exit_usage);
  }
  std::string shown = api.create_admin_token();
  if (shown.empty()) throw startup_error("the CSPRNG failed", exit_io);
  return shown;
}

// 32 hex digits from the CSPRNG. Throws startup_error.
std::string new_control_key() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw startup_error("the CSPRNG failed", exit_io);
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string key;
  for (const unsigned char byte : bytes) {
    key += hex[byte >> 4];
    key += hex[byte & 15];
  }
  return key;
}

std::unique_ptr<dtoken::mock::http_server> start_server(const mock_config& c,
                                                        dtoken::mock::mock_service& service) {
  try {
    dtoken::mock::server_options options;
    options.host = c.host;
    options.port = static_cast<unsigned short>(c.port);
    options.threads = c.threads;
    options.idle_timeout = std::chrono::seconds(c.idle_timeout);
    if (c.tls_self_signed) {
      const dtoken::mock::pem_pair made = dtoken::mock::make_self_signed(c.host);
      options.tls_certificate_pem = made.certificate;
      options.tls_key_pem = made.key;
    } else if (!c.tls_cert.empty()) {
      options.tls_certificate_pem = read_file(c.tls_cert);
      options.tls_key_pem = read_file(c.tls_key);
    }
    auto server = std::make_unique<dtoken::mock::http_server>(service, options,
                                                              c.quiet ? nullptr : &std::cerr);
    if (!c.port_file.empty()) write_port_file(c.port_file, server->port());
    return server;
  } catch (const std::exception& error) {
    throw startup_error(
        "cannot listen on " + c.host + ":" + std::to_string(c.port) + ": " + error.what(), exit_io);
  }
}

void print_banner(const mock_config& c, unsigned short port, const std::string& shown_admin,
                  bool new_key) {
  const std::string url =
      (c.https() ? "https://" : "http://") + c.host + ":" + std::to_string(port);
  std::cout << "dtoken-mock " << DTOKEN_VERSION_STRING << " listening on " << url << '\n'
            << "environment URL: " << url << "/e/" << c.environment << '\n';
  if (!shown_admin.empty()) {
    std::cout << "admin token (shown once, every scope): " << shown_admin << '\n';
  } else {
    std::cout << "admin token: the one given with --admin-token\n";
  }
  if (new_key) {
    std::cout << "control key (shown once, header X-Dtoken-Control-Key): " << c.control_key << '\n';
  }
  std::cout << "try: curl -H \"Authorization: Api-Token $TOKEN\" " << url << "/api/v2/apiTokens\n"
            << std::flush;
}

// Serves until SIGINT or SIGTERM (blocked in every thread but the one that waits for them).
void serve(dtoken::mock::http_server& server, const sigset_t& stop_signals) {
  std::thread waiter([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
  });
  server.run();
  // run() also returns when the server stops for another reason: wake the waiter.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = parse_command_line(argc, argv);
  if (const int* code = std::get_if<int>(&parsed)) return *code;
  mock_config& c = std::get<mock_config>(parsed);
  raise_file_limit();
  // SIGINT and SIGTERM go to one thread that stops the server; block them everywhere else.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  dtoken::mock::api_options api_options;
  api_options.environment_id = c.environment;
  api_options.cluster_version = c.cluster_version;
  api_options.rate_limit = c.rate_limit;
  if (!c.installer_versions.empty())
    api_options.installer_versions = split_list(c.installer_versions);
  if (!c.network_zones.empty()) api_options.network_zones = split_list(c.network_zones);
  dtoken::mock::token_api api(api_options);
  std::unique_ptr<dtoken::mock::state_file> state;
  try {
    const std::string shown_admin = load_start_state(c, api, state);
    api.mark_seeded();  // what POST /_dtoken/reset returns to
    const bool new_key = c.control_key.empty();
    if (new_key) c.control_key = new_control_key();
    dtoken::mock::mock_service service(api, c.control_key);
    const auto server = start_server(c, service);
    print_banner(c, server->port(), shown_admin, new_key);
    serve(*server, stop_signals);
  } catch (const startup_error& error) {
    std::cerr << "dtoken-mock: " << error.what() << '\n';
    return error.code;
  }
  std::cerr << "dtoken-mock: stopped\n";
  return exit_ok;
}
