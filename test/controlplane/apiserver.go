package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/util/compatibility"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	basecompatibility "k8s.io/component-base/compatibility"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

// apiServer is a kube-apiserver that can be stopped and started again in the same
// process, on the same port and etcd data, to simulate an API server restart.
type apiServer struct {
	port    int
	etcdURL string
	pki     *pki
	cancel  context.CancelFunc
	done    chan error
}

func (a *apiServer) flags() []string {
	return []string{
		"--etcd-servers=" + a.etcdURL,
		"--bind-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", a.port),
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--tls-cert-file=" + a.pki.servingCert,
		"--tls-private-key-file=" + a.pki.servingKey,
		"--client-ca-file=" + a.pki.caCert,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file=" + a.pki.serviceAccountKey,
		"--service-account-signing-key-file=" + a.pki.serviceAccountKey,
		"--service-cluster-ip-range=10.0.0.0/16",
		// Tests play the kubelet and create pods directly; they should not wait for
		// the namespace's default ServiceAccount.
		"--disable-admission-plugins=ServiceAccount",
		"--profiling=false",
		// Close open watches within 2s on stop instead of waiting the 60s request timeout,
		// so a restart looks like a real API server rollout to clients.
		"--shutdown-send-retry-after=true",
	}
}

func (a *apiServer) start() error {
	if a.cancel != nil {
		return fmt.Errorf("api server already running")
	}
	featureGate := utilfeature.DefaultMutableFeatureGate.DeepCopy()
	effectiveVersion := compatibility.DefaultBuildEffectiveVersion()
	effectiveVersion.SetEmulationVersion(featureGate.EmulationVersion())
	effectiveVersion.SetMinCompatibilityVersion(featureGate.MinCompatibilityVersion())
	registry := basecompatibility.NewComponentGlobalsRegistry()
	if err := registry.Register(basecompatibility.DefaultKubeComponent, effectiveVersion, featureGate); err != nil {
		return err
	}

	s := options.NewServerRunOptions()
	s.Options.GenericServerRunOptions.ComponentGlobalsRegistry = registry
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	if err := fs.Parse(a.flags()); err != nil {
		return err
	}
	if err := registry.Set(); err != nil {
		return err
	}

	ctx, cancel := context.WithCancel(context.Background())
	completed, err := s.Complete(ctx)
	if err != nil {
		cancel()
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		cancel()
		return utilerrors.NewAggregate(errs)
	}
	config, err := app.NewConfig(completed)
	if err != nil {
		cancel()
		return err
	}
	completedConfig, err := config.Complete()
	if err != nil {
		cancel()
		return err
	}
	server, err := app.CreateServerChain(completedConfig)
	if err != nil {
		cancel()
		return err
	}
	prepared, err := server.PrepareRun()
	if err != nil {
		cancel()
		return err
	}
	done := make(chan error, 1)
	go func() { done <- prepared.Run(ctx) }()
	a.cancel, a.done = cancel, done
	return a.waitHealthy(done)
}

// waitHealthy polls /readyz anonymously-allowed path with the admin cert.
func (a *apiServer) waitHealthy(done chan error) error {
	client, err := adminHTTPClient(a.pki)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			a.cancel, a.done = nil, nil
			return fmt.Errorf("api server exited: %v", err)
		default:
		}
		resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/readyz", a.port))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ok, _ := a.namespaceExists(client, "default")
				if ok {
					return nil
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("api server not ready after 90s")
}

func (a *apiServer) namespaceExists(client *http.Client, name string) (bool, error) {
	resp, err := client.Get(fmt.Sprintf("https://127.0.0.1:%d/api/v1/namespaces/%s", a.port, name))
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

func (a *apiServer) stop() error {
	if a.cancel == nil {
		return nil
	}
	a.cancel()
	err := <-a.done
	a.cancel, a.done = nil, nil
	return err
}
