import { managementRoutes } from '../../../shared/management/routes';
import { platform } from '../../../shared/platform';

describe('management route table', () => {
  it('serves every management route of the definition, and no other', () => {
    const defined = platform.httpRoutes
      .filter((r) => r.function === 'management')
      .map((r) => `${r.method} ${r.path.replace(platform.apiBasePath, '')}`)
      .sort();
    expect(Object.keys(managementRoutes).sort()).toEqual(defined);
  });
});
