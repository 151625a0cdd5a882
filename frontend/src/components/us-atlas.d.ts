// us-atlas ships TopoJSON files without type declarations; the map reads them as topojson Topology.
declare module 'us-atlas/states-10m.json' {
  const topology: unknown;
  export default topology;
}
