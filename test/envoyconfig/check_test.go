// Checks the Envoy configuration our EnvoyFilters carry against Envoy's own API definitions
// (go-control-plane's generated protos), since no Envoy runs in the tests: each patch value
// is unmarshalled strictly with protojson into the Envoy message it patches (unknown fields,
// wrong types and unresolvable Any type URLs fail), and each typed config is validated with
// the protos' own validation rules (protoc-gen-validate).
//
// ENVOYCONFIG_DIR names a folder of EnvoyFilter specs as JSON (one file each), written by
// test/integration/envoyconfig.test.ts, which builds and runs this test.
package envoyconfig

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	ratelimitv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/local_ratelimit/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

type configPatch struct {
	ApplyTo string `json:"applyTo"`
	Patch   struct {
		Operation string          `json:"operation"`
		Value     json.RawMessage `json:"value"`
	} `json:"patch"`
}

type envoyFilterSpec struct {
	ConfigPatches []configPatch `json:"configPatches"`
}

// validatable is what protoc-gen-validate generates on every message.
type validatable interface {
	ValidateAll() error
}

var strict = protojson.UnmarshalOptions{DiscardUnknown: false}

func validate(t *testing.T, where string, m proto.Message) {
	t.Helper()
	if v, ok := m.(validatable); ok {
		if err := v.ValidateAll(); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
}

func TestGeneratedEnvoyFilters(t *testing.T) {
	dir := os.Getenv("ENVOYCONFIG_DIR")
	if dir == "" {
		t.Fatal("ENVOYCONFIG_DIR is not set: it names the folder of generated EnvoyFilter specs")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no EnvoyFilter specs in %s", dir)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var spec envoyFilterSpec
		if err := json.Unmarshal(data, &spec); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if len(spec.ConfigPatches) == 0 {
			t.Errorf("%s: no configPatches", file)
		}
		for i, p := range spec.ConfigPatches {
			where := filepath.Base(file) + ": configPatches[" + string(rune('0'+i)) + "] " + p.ApplyTo
			switch p.ApplyTo {
			case "HTTP_FILTER":
				var filter hcm.HttpFilter
				if err := strict.Unmarshal(p.Patch.Value, &filter); err != nil {
					t.Errorf("%s: not an HttpFilter: %v", where, err)
					continue
				}
				validate(t, where, &filter)
				var lrl ratelimitv3.LocalRateLimit
				if err := filter.GetTypedConfig().UnmarshalTo(&lrl); err != nil {
					t.Errorf("%s: typed_config is not a LocalRateLimit: %v", where, err)
					continue
				}
				validate(t, where+" typed_config", &lrl)
			case "HTTP_ROUTE":
				// A MERGE patch is a partial Route: its fields must be Route fields of the right
				// types, though the whole need not be a valid route on its own.
				var route routev3.Route
				if err := strict.Unmarshal(p.Patch.Value, &route); err != nil {
					t.Errorf("%s: not a Route: %v", where, err)
					continue
				}
				for name, typed := range route.GetTypedPerFilterConfig() {
					var lrl ratelimitv3.LocalRateLimit
					if err := typed.UnmarshalTo(&lrl); err != nil {
						t.Errorf("%s: typed_per_filter_config[%s] is not a LocalRateLimit: %v", where, name, err)
						continue
					}
					validate(t, where+" typed_per_filter_config["+name+"]", &lrl)
					if lrl.GetTokenBucket() == nil {
						t.Errorf("%s: typed_per_filter_config[%s] has no token bucket", where, name)
					}
					// Per-client buckets: every descriptor entry must be a key the route's actions produce.
					for _, d := range lrl.GetDescriptors() {
						for _, e := range d.GetEntries() {
							if !producesKey(lrl.GetRateLimits(), e.GetKey()) {
								t.Errorf("%s: descriptor key %q is produced by no rate_limits action", where, e.GetKey())
							}
						}
					}
				}
				if idle := route.GetRoute().GetIdleTimeout(); idle != nil {
					if err := idle.CheckValid(); err != nil {
						t.Errorf("%s: route.idle_timeout: %v", where, err)
					}
				}
			default:
				t.Errorf("%s: unexpected applyTo", where)
			}
		}
	}
}

// producesKey says whether one of the actions yields a descriptor entry with this key:
// remote_address yields "remote_address", request_headers its descriptor_key.
func producesKey(limits []*routev3.RateLimit, key string) bool {
	for _, l := range limits {
		for _, a := range l.GetActions() {
			if a.GetRemoteAddress() != nil && key == "remote_address" {
				return true
			}
			if h := a.GetRequestHeaders(); h != nil && h.GetDescriptorKey() == key {
				return true
			}
		}
	}
	return false
}
