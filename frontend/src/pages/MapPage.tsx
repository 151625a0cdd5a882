import { BoxOfficeMapSection } from '../components/BoxOfficeMapSection';
import { useTitle } from '../title';

/** /map: every film's synthetic box office by US state, summed by week of release. */
export function MapPage() {
  useTitle('US box-office map');
  return (
    <>
      <h1>US box-office map</h1>
      <BoxOfficeMapSection
        title="Domestic box office by state and week of release (synthetic), all films"
        summary="Every film with box office, summed by week of release (week 1 is each film's opening week). Each film's reported domestic gross is split into days and states by the seeded generator."
      />
    </>
  );
}
