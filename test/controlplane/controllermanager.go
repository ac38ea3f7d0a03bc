package main

import (
	"context"

	"github.com/spf13/pflag"
	"k8s.io/apiserver/pkg/util/compatibility"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	basecompatibility "k8s.io/component-base/compatibility"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
	"k8s.io/kubernetes/cmd/kube-controller-manager/app/options"
	"k8s.io/kubernetes/cmd/kube-controller-manager/names"
)

// controllers is deliberately short: a controller that fails to start stops the whole
// process, and nothing heartbeats for test Nodes (so no node-lifecycle or pod GC).
var controllers = []string{
	names.GarbageCollectorController,
	names.NamespaceController,
	names.EndpointSliceController,
	names.ServiceAccountTokenController,
	names.ServiceAccountController,
}

func startControllerManager(ctx context.Context, kubeconfig string, p *pki) (<-chan error, error) {
	s, err := options.NewKubeControllerManagerOptions()
	if err != nil {
		return nil, err
	}
	featureGate := utilfeature.DefaultMutableFeatureGate.DeepCopy()
	effectiveVersion := compatibility.DefaultBuildEffectiveVersion()
	effectiveVersion.SetEmulationVersion(featureGate.EmulationVersion())
	effectiveVersion.SetMinCompatibilityVersion(featureGate.MinCompatibilityVersion())
	registry := basecompatibility.NewComponentGlobalsRegistry()
	if err := registry.Register(basecompatibility.DefaultKubeComponent, effectiveVersion, featureGate); err != nil {
		return nil, err
	}
	s.ComponentGlobalsRegistry = registry

	all, disabled, aliases := app.KnownControllers(), app.ControllersDisabledByDefault(), app.ControllerAliases()
	named := s.Flags(all, disabled, aliases)
	fs := pflag.NewFlagSet("kube-controller-manager", pflag.ContinueOnError)
	for _, f := range named.FlagSets {
		fs.AddFlagSet(f)
	}
	controllerList := ""
	for i, c := range controllers {
		if i > 0 {
			controllerList += ","
		}
		controllerList += c
	}
	if err := fs.Parse([]string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--use-service-account-credentials=false",
		"--service-account-private-key-file=" + p.serviceAccountKey,
		"--root-ca-file=" + p.caCert,
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--controllers=" + controllerList,
	}); err != nil {
		return nil, err
	}
	s.ParsedFlags = &named
	if err := registry.Set(); err != nil {
		return nil, err
	}
	config, err := s.Config(ctx, all, disabled, aliases)
	if err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, config.Complete()) }()
	return done, nil
}
