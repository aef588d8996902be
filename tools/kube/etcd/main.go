// etcd for the tests' real control plane (tools/kube/build.sh): the published server module's own
// entry point. etcd's root module has replace directives, so `go install go.etcd.io/etcd/v3` does
// not work outside its repository; this wrapper is the whole of its main package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
