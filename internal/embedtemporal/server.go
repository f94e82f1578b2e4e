// Package embedtemporal runs a single-process Temporal server with SQLite
// persistence, for `lawcycle dev`, the standalone `lawcycle temporal` process
// and tests. Production runs against an external Temporal cluster instead.
package embedtemporal

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
	"google.golang.org/protobuf/types/known/durationpb"
)

const (
	clusterName = "active"
	// clusterID is fixed so a restart on the same file finds its own cluster.
	clusterID = "6c617763-7963-6c65-0000-000000000001"
	// retention keeps closed cycle and bureau executions visible in the
	// Temporal UI long enough for an office to look back over a whole year.
	retention = 400 * 24 * time.Hour
)

// Options configure the embedded server. Zero values pick working defaults.
type Options struct {
	// DatabaseFile is the SQLite file holding every workflow. Empty keeps
	// everything in memory (tests).
	DatabaseFile string
	// IP and Port of the frontend gRPC endpoint. Port 0 picks a free port.
	IP   string
	Port int
	// Namespace is created before the server starts if it does not exist.
	Namespace string
	// SearchAttributes are registered with the namespace when it is created.
	SearchAttributes map[string]enumspb.IndexedValueType
	Logger           *slog.Logger
	// LogLevel filters the server's own, rather chatty, log.
	LogLevel slog.Level
}

// Server is a running embedded Temporal server.
type Server struct {
	server    temporal.Server
	address   string
	namespace string
}

// Start builds and starts the server. It returns once the frontend accepts calls.
func Start(opts Options) (*Server, error) {
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Port == 0 {
		p, err := freePort(opts.IP)
		if err != nil {
			return nil, err
		}
		opts.Port = p
	}
	conf, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts(conf, opts.IP)),
		temporal.WithLogger(newLogger(opts.Logger, opts.LogLevel)),
		temporal.WithDynamicConfigClient(dynamicConfig()),
	)
	if err != nil {
		return nil, fmt.Errorf("build temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	return &Server{server: srv, address: net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port)), namespace: opts.Namespace}, nil
}

// Address is the frontend host:port for SDK clients.
func (s *Server) Address() string { return s.address }

// Namespace is the namespace created at start.
func (s *Server) Namespace() string { return s.namespace }

// Stop shuts the server down; workflows resume when a server is started on
// the same database file again.
func (s *Server) Stop() error { return s.server.Stop() }

func dynamicConfig() dynamicconfig.StaticClient {
	dc := dynamicconfig.StaticClient{}
	// The same relaxations the Temporal CLI dev server applies: search
	// attributes visible at once, and persistence QPS limits raised because
	// one SQLite file serves every service.
	dc[dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key()] = true
	dc[dynamicconfig.FrontendPersistenceMaxQPS.Key()] = 10000
	dc[dynamicconfig.HistoryPersistenceMaxQPS.Key()] = 45000
	dc[dynamicconfig.HistoryCacheHostLevelMaxSize.Key()] = 8096
	dc[dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key()] = 100
	// A cycle launch starts thousands of workflows in a burst; the default
	// per-namespace RPS limits of a dev server would throttle it.
	dc[dynamicconfig.FrontendMaxNamespaceRPSPerInstance.Key()] = 100000
	dc[dynamicconfig.FrontendMaxNamespaceBurstRatioPerInstance.Key()] = 2.0
	return dc
}

func buildConfig(opts Options) (*config.Config, error) {
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = opts.IP

	sqlConf, err := prepareDatabase(opts)
	if err != nil {
		return nil, err
	}
	conf.Persistence.DefaultStore = "sqlite-default"
	conf.Persistence.VisibilityStore = "sqlite-default"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite-default": {SQL: sqlConf}}

	httpPort, err := freePort(opts.IP)
	if err != nil {
		return nil, err
	}
	frontend := net.JoinHostPort(opts.IP, strconv.Itoa(opts.Port))
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            net.JoinHostPort(opts.IP, strconv.Itoa(httpPort)),
				ClusterID:              clusterID,
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{}
	for _, name := range []string{"frontend", "history", "matching", "worker"} {
		var svc config.Service
		svc.RPC.BindOnIP = opts.IP
		if name == "frontend" {
			svc.RPC.GRPCPort = opts.Port
			svc.RPC.HTTPPort = httpPort
		} else if svc.RPC.GRPCPort, err = freePort(opts.IP); err != nil {
			return nil, err
		}
		conf.Services[name] = svc
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return &conf, nil
}

// prepareDatabase creates the schema on first use of a file and the
// namespace if it is missing, so a restart on the same file finds every
// workflow where it was left.
func prepareDatabase(opts Options) (*config.SQL, error) {
	conf := &config.SQL{PluginName: sqliteplugin.PluginName}
	if opts.DatabaseFile == "" {
		conf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		conf.DatabaseName = fmt.Sprintf("lawcycle-%d", time.Now().UnixNano())
	} else {
		conf.ConnectAttributes = map[string]string{
			"mode": "rwc",
			// WAL keeps the file consistent if the process is killed and
			// lets readers proceed while the single writer commits.
			"journal_mode": "wal",
			"busy_timeout": "10000",
		}
		conf.DatabaseName = opts.DatabaseFile
		if _, err := os.Stat(opts.DatabaseFile); errors.Is(err, os.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(opts.DatabaseFile), 0o750); err != nil {
				return nil, fmt.Errorf("create temporal data dir: %w", err)
			}
			if err := sqliteschema.SetupSchema(conf); err != nil {
				return nil, fmt.Errorf("set up temporal schema: %w", err)
			}
		} else if err != nil {
			return nil, fmt.Errorf("stat temporal database: %w", err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("namespace config: %w", err)
	}
	ns.Detail.Config.Retention = durationpb.New(retention)
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return nil, fmt.Errorf("create namespace %q: %w", opts.Namespace, err)
	}
	return conf, nil
}

func staticHosts(conf *config.Config, ip string) map[primitives.ServiceName]static.Hosts {
	host := func(svc string) static.Hosts {
		return static.SingleLocalHost(net.JoinHostPort(ip, strconv.Itoa(conf.Services[svc].RPC.GRPCPort)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: host("frontend"),
		primitives.MatchingService: host("matching"),
		primitives.HistoryService:  host("history"),
		primitives.WorkerService:   host("worker"),
	}
}

func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("find free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
