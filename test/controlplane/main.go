// Command controlplane runs a small but real Kubernetes control plane for tests,
// benchmarks and the demo: embedded etcd, kube-apiserver (RBAC on) and
// kube-controller-manager (garbage collector, namespace, endpointslice and
// serviceaccount controllers), all in one process on 127.0.0.1.
//
// It writes <dir>/kubeconfig (admin) and <dir>/state.json (ports, pid) once the API
// server is ready, and serves a small control API on loopback so tests can stop and
// start the API server on the same etcd data:
//
//	POST /apiserver/stop   POST /apiserver/start   GET /healthz
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	logsapi "k8s.io/component-base/logs/api/v1"
)

type state struct {
	PID        int    `json:"pid"`
	Server     string `json:"server"`
	Control    string `json:"control"`
	Kubeconfig string `json:"kubeconfig"`
}

func main() {
	dir := flag.String("dir", "", "directory for data, certificates and the kubeconfig (required)")
	port := flag.Int("port", 0, "API server port (0 picks a free one)")
	flag.Parse()
	if *dir == "" {
		fail(errors.New("--dir is required"))
	}
	if err := run(*dir, *port); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "controlplane:", err)
	os.Exit(1)
}

func run(dir string, port int) error {
	// The API server and controller manager share process-wide logging settings.
	logsapi.ReapplyHandling = logsapi.ReapplyHandlingIgnoreUnchanged

	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if port == 0 {
		if port, err = freePort(); err != nil {
			return err
		}
	} else if !portFree(port) {
		return fmt.Errorf("port %d is already in use", port)
	}
	etcdClient, err := freePort()
	if err != nil {
		return err
	}
	etcdPeer, err := freePort()
	if err != nil {
		return err
	}

	p, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	etcd, err := startEtcd(filepath.Join(dir, "etcd"), etcdClient, etcdPeer)
	if err != nil {
		return err
	}
	defer etcd.Close()

	api := &apiServer{port: port, etcdURL: fmt.Sprintf("http://127.0.0.1:%d", etcdClient), pki: p}
	if err := api.start(); err != nil {
		return fmt.Errorf("kube-apiserver: %w", err)
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := p.writeKubeconfig(kubeconfig, server); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	kcmDone, err := startControllerManager(ctx, kubeconfig, p)
	if err != nil {
		return fmt.Errorf("kube-controller-manager: %w", err)
	}

	control, err := serveControl(api)
	if err != nil {
		return err
	}
	st := state{PID: os.Getpid(), Server: server, Control: control, Kubeconfig: kubeconfig}
	if err := writeJSON(filepath.Join(dir, "state.json"), st); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "controlplane: ready at %s\n", server)

	select {
	case <-ctx.Done():
	case err := <-kcmDone:
		if err != nil && ctx.Err() == nil {
			return fmt.Errorf("kube-controller-manager exited: %w", err)
		}
	}
	return api.stop()
}

// serveControl exposes stop/start of the API server, serialised by a mutex.
func serveControl(api *apiServer) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	var mu sync.Mutex
	handle := func(action func() error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				http.Error(w, "POST only", http.StatusMethodNotAllowed)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if err := action(); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintln(w, "ok")
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/apiserver/stop", handle(api.stop))
	mux.HandleFunc("/apiserver/start", handle(api.start))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	go http.Serve(ln, mux)
	return "http://" + ln.Addr().String(), nil
}

func adminHTTPClient(p *pki) (*http.Client, error) {
	cert, err := tls.X509KeyPair(p.adminCertPEM, p.adminKeyPEM)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caPEM)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: pool, Certificates: []tls.Certificate{cert},
	}}}, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
